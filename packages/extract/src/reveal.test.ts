import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written service page whose FAQ answers are closed accordion panels (aria-hidden, display:none,
// hidden), each opened by a button that names it; beside them a hidden box that nothing opens.

const answer = (i: number) =>
  `Answer ${i}: our surveyors visit within ${i + 2} working days, measure every room, and send a written quote with the price of each step, so that nothing on the final bill comes as a surprise.`;
const hiding = ['aria-hidden="true"', 'style="display: none"', 'hidden'];

function page(): string {
  const faq = [0, 1, 2]
    .map(
      (
        i,
      ) => `<div class="faq-item"><h3><button aria-expanded="false" aria-controls="faq-${i}">Question ${i}?</button></h3>
      <div class="faq-body" id="faq-${i}" ${hiding[i]}><p>${answer(i)}</p></div></div>`,
    )
    .join('');
  return `<html><head><title>Loft conversions | Example Builders</title></head><body>
    <nav><a href="/">Home</a><a href="/services">Services</a></nav>
    <main><h1>Loft conversions</h1>
      <p>We turn draughty lofts into bedrooms, studies and bathrooms, from the first drawing to the last coat of paint, with one team and one contract for the whole job.</p>
      <h2>Questions people ask</h2>${faq}
      <div id="tracking" style="display:none"><p>Session beacon text that no reader ever sees on the page, kept for the analytics script only.</p></div>
    </main><footer>© Example Builders</footer></body></html>`;
}

test('closed FAQ panels that a button opens are content; a hidden box nothing opens is not', () => {
  const d = extract(page(), { url: 'https://builders.example/services/loft-conversions' });
  for (const i of [0, 1, 2])
    assert.ok(d.text.includes(`Answer ${i}:`), `answer ${i} (hidden by ${hiding[i]}) is kept: ${d.text}`);
  assert.ok(!d.text.includes('Session beacon'), 'the hidden box that no control opens stays out');
});

// Tabs (role="tab" buttons, role="tabpanel" boxes) often name no panel by aria-controls: the buttons are wired
// by a script. Their hidden panels are still one click away, as WAI-ARIA's tab pattern says.
function tabsPage(tabs: boolean): string {
  const body = (i: number) =>
    `Feature ${i}: deploy from any Git provider, roll back in one click, and keep every preview build for ${i + 7} days, with logs you can search.`;
  const panels = [0, 1, 2]
    .map((i) => `<div role="tabpanel" class="tab-panel"${i ? ' hidden' : ''}><p>${body(i)}</p></div>`)
    .join('');
  const buttons = tabs
    ? `<div role="tablist">${[0, 1, 2].map((i) => `<button role="tab" aria-selected="${i === 0}">Tab ${i}</button>`).join('')}</div>`
    : '';
  return `<html><head><title>Platform | Example Cloud</title></head><body>
    <nav><a href="/">Home</a><a href="/pricing">Pricing</a></nav>
    <main><h1>One platform for your apps</h1>
      <p>Build, deploy and scale web apps on one platform, with previews for every change and no servers to manage.</p>
      ${buttons}${panels}
    </main><footer>© Example Cloud</footer></body></html>`;
}

test("a tab's hidden panel is content when the page has tabs, though no control names it", () => {
  const d = extract(tabsPage(true), { url: 'https://cloud.example/platform' });
  for (const i of [0, 1, 2]) assert.ok(d.text.includes(`Feature ${i}:`), `panel ${i} is kept: ${d.text}`);
});

test('a hidden box calling itself a tab panel on a page without tabs stays hidden', () => {
  const d = extract(tabsPage(false), { url: 'https://cloud.example/platform' });
  assert.ok(d.text.includes('Feature 0:'), d.text);
  assert.ok(!d.text.includes('Feature 1:'), d.text);
});
