import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written thread of a board whose markup names no post box we know (no class of POST_CLASS, no
// microdata): typed forum by its address alone, like a news site's tag page at /topic/<name>. A board numbers
// its threads; a tag page is named. The numbered one keeps its posts over its run of similar-thread links.

const post = (who: string, n: number) =>
  `<div class="entry-x"><b>${who}</b><p>${who} says the old amplifier hums only when the turntable is plugged into the same strip, and that moving it to the wall socket took the hum away for ${n} days before it came back.</p></div>`;

function page(): string {
  const posts = ['hifi_dan', 'vinylvera', 'ohmsworth'].map((w, i) => post(w, i + 3)).join('');
  const similar = Array.from(
    { length: 10 },
    (_, i) =>
      `<div class="river-item"><a href="/topic/${9000 + i}-hum">Another hum question number ${i}</a><span>${i + 2} replies. A member asks why the speakers buzz when the lights dim and three others suggest ground loops and cables and the mains filter and a new plug</span></div>`,
  ).join('');
  return `<html><body><div class="page"><div class="thread"><h1>Amplifier hum</h1>${posts}</div></div><div class="grid">${similar}</div><footer>© board</footer></body></html>`;
}

test('a thread whose address numbers it keeps its posts, not its run of similar threads, when its post boxes are unknown', () => {
  const d = extract(page(), {
    url: 'https://boards.example/topic/18427-amplifier-hum',
    secondOpinion: false,
  });
  assert.equal(d.pageType?.type, 'forum', JSON.stringify(d.pageType));
  assert.ok(d.text.includes('vinylvera says the old amplifier hums'), d.text);
  assert.ok(!d.text.includes('Another hum question number 4'), d.text);
});
