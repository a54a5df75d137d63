import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written page as React's streaming server rendering sends it: the shell with a Suspense boundary per
// section (a <template id="B:n"> and its "Loading" fallback between <!--$?--> and <!--/$-->), then each
// section in a <div hidden id="S:n"> and the inline call that moves it into place.

const section = (n: number, title: string) =>
  `<section><h2>${title}</h2><p>Section ${n} explains, in a sentence long enough to be read as prose, how the platform deploys, scales and watches a web service for its team.</p><p>It says more: previews for every pull request, rollbacks in one click, and private networking between services.</p></section>`;

function page(): string {
  const titles = ['Deploy in minutes', 'Scale without ops', 'Watch every request'];
  const shell = titles
    .map(
      (_, i) =>
        `<div data-module="part${i}"><!--$?--><template id="B:${i}"></template><p>Loading section…</p><!--/$--></div>`,
    )
    .join('');
  const streamed = titles
    .map(
      (t, i) =>
        `<div hidden id="S:${i}">${section(i + 1, t)}</div><script>$RC=window.$RC||function(){};$RC("B:${i}","S:${i}")</script>`,
    )
    .join('');
  return `<html><head><title>Hosting for teams</title></head><body><header><a href="/">Home</a><a href="/pricing">Pricing</a></header>
    <main><div class="banner-top">Migrate today and get credits</div><h1>Your fastest path to production</h1>${shell}</main>
    <footer><a href="/legal">Legal</a></footer>${streamed}
    <div hidden id="orphan"><p>An unused hidden draft that no script ever shows to anyone at all, however long it is.</p></div></body></html>`;
}

test("a page streamed by React's server rendering has each section in its place, not its loading fallback", () => {
  const d = extract(page(), { url: 'https://host.example/', secondOpinion: false });
  for (const n of [1, 2, 3]) assert.ok(d.text.includes(`Section ${n} explains`), `section ${n}: ${d.text}`);
  assert.ok(
    d.text.indexOf('Section 1 explains') < d.text.indexOf('Section 2 explains') &&
      d.text.indexOf('Section 2 explains') < d.text.indexOf('Section 3 explains'),
    `in the boundaries' order: ${d.text}`,
  );
  assert.ok(!d.text.includes('Loading section'), `the fallback is replaced: ${d.text}`);
  assert.ok(!d.text.includes('An unused hidden draft'), `a hidden box no call moves stays hidden: ${d.text}`);
});

test('a segment moved to a placeholder ($RS) is shown there too', () => {
  const html = `<html><body><main><h1>Guide</h1><div><template id="P:7"></template></div></main>
    <div hidden id="S:7"><p>The placed segment says, at a length a reader would call a paragraph, how to set the service up and keep it running.</p><p>A second paragraph of the placed segment adds the steps for backups, alerts and billing.</p></div>
    <script>$RS("S:7","P:7")</script></body></html>`;
  const d = extract(html, { url: 'https://host.example/guide', secondOpinion: false });
  assert.ok(d.text.includes('The placed segment says'), d.text);
});
