import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutOpenCdata } from './dom.js';
import { extract } from './extract.js';

// Hand-written forum threads: the opening post drawn apart from the reply list (as XenForo's thread
// starter card is), replies marked as comments, posts headed by who wrote them and when, and a Q&A page
// whose comments under the answers are remarks.

const prose = (who: string, n: number) =>
  `${who} has kept a small boat on the river for ${n} years, and the winter haul-out, the antifouling and the new sails all come back to one question about which rope to buy first.`;

function reply(i: number, extra = ''): string {
  return `<div class="message-card${extra}" id="post-${i}"><header class="message-attribution"><span class="username">rower${i}</span> <time datetime="2024-01-0${i}">Jan ${i}, 2024</time></header>
    <article class="message-body js-reply"><p>Reply writer ${i} would buy the mooring lines first and the sheets after that</p></article>
    <div class="user-stats">Posts: ${i * 40} Joined: 2019</div></div>`;
}

const sidebar = `<aside class="p-sidebar"><h3>Latest threads</h3><ul>${Array.from(
  { length: 6 },
  (_, i) => `<li><a href="/threads/${i}">Thread number ${i} about knots</a></li>`,
).join('')}</ul></aside>`;

function thread(replyClass = ''): string {
  return `<html><head><title>Which rope first? | Boat Forum</title></head><body>
    <nav><a href="/">Forums</a><a href="/boats">Boats</a></nav>
    <div class="page-content">
      <div class="starter-card"><h1>Which rope first?</h1>
        <div class="message-card" id="post-1"><header class="message-attribution"><span class="username">skipper</span> <time datetime="2024-01-01">Jan 1, 2024</time></header>
        <article class="message-body">${['The opening poster', 'A friend', 'A neighbour', 'The harbour master', 'My brother'].map((w, i) => `<p>${prose(w, i + 5)}</p>`).join('')}</article></div>
      </div>
      <div class="thread-tools"><a href="/watch">Watch</a></div>
      <div class="block-messages"><div class="block-body">${[2, 3, 4].map((i) => reply(i, replyClass)).join('')}</div></div>
    </div>
    ${sidebar}
    <footer>© Boat Forum</footer></body></html>`;
}

const URL = 'https://boats.example/threads/which-rope-first.12/';

test('a thread is all its posts, when the opening post is drawn apart from the replies', () => {
  const d = extract(thread(), { url: URL });
  assert.equal(d.pageType?.type, 'forum', 'the thread is recognised as a forum page');
  for (const i of [2, 3, 4])
    assert.ok(
      d.text.includes(`Reply writer ${i}`),
      `reply ${i} is part of the thread: ${d.text.slice(0, 200)}`,
    );
  assert.ok(d.text.includes('The opening poster'), 'the opening post stays');
  assert.ok(!d.text.includes('Thread number 3'), 'the sidebar of other threads is not');
});

test("a thread keeps each post's author and date, and its replies marked as comments; not the poster's figures", () => {
  const d = extract(thread(' comment'), { url: URL });
  assert.ok(d.text.includes('Reply writer 3'), `a reply classed as a comment stays: ${d.text.slice(0, 200)}`);
  assert.ok(d.text.includes('rower3'), 'the name of who wrote a reply stays');
  assert.ok(d.text.includes('Jan 3, 2024'), 'the date of a reply stays');
  assert.ok(!d.text.includes('Posts: 120'), "the poster's figures beside the post go");
});

test('a Q&A page keeps its answers but not the comments under them', () => {
  const answer = (
    i: number,
  ) => `<div class="answer" itemprop="suggestedAnswer" itemscope itemtype="https://schema.org/Answer">
      <div class="answercell"><p>${prose(`Answerer ${i}`, i + 2)}</p></div>
      <div class="comments"><ul><li class="comment"><span class="comment-copy">Short remark number ${i} under the answer, thanks.</span></li></ul></div></div>`;
  const html = `<html><head><title>Which rope first?</title></head><body>
    <div id="content" itemscope itemtype="https://schema.org/QAPage"><div id="question" itemprop="mainEntity" itemscope itemtype="https://schema.org/Question">
      <h1 itemprop="name">Which rope first?</h1><div class="postcell"><p>${prose('The asker', 5)}</p></div></div>
    <div id="answers">${[1, 2, 3].map(answer).join('')}</div></div>${sidebar}</body></html>`;
  const d = extract(html, { url: 'https://qa.example/questions/12/which-rope-first' });
  assert.equal(d.pageType?.type, 'forum', 'the Q&A page is a forum page');
  assert.ok(d.text.includes('Answerer 2'), `the answers stay: ${d.text.slice(0, 200)}`);
  assert.ok(!d.text.includes('Short remark number 2'), 'the comments under an answer go');
});

test('an unclosed <![CDATA[ in the markup does not swallow the rest of the page', () => {
  const html = `<html><head><title>Which rope first?</title></head><body><![CDATA[ <div id="jump"></div>
    <div class="post"><p>${prose('The opening poster', 12)}</p><p>${prose('A neighbour', 9)}</p></div></body></html>`;
  const d = extract(html, { url: URL });
  assert.ok(d.text.includes('The opening poster'), `the page after the CDATA is read: "${d.text}"`);
  // inside a script it is the script's text, and a closed one is left to the parser
  const script = '<script>//<![CDATA[ var a = 1 > 0;</script><p>kept</p>';
  assert.equal(cutOpenCdata(script), script, 'a CDATA inside a script is not touched');
  const closed = '<svg><![CDATA[ x ]]></svg><p>kept</p>';
  assert.equal(cutOpenCdata(closed), closed, 'a closed CDATA is not touched');
  assert.equal(
    cutOpenCdata('<p>a</p><![CDATA[ <b>x</b>'),
    '<p>a</p>x</b>',
    'cut to its first ">", as a browser does',
  );
});
