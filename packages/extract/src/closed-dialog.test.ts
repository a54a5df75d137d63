import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A <dialog> without the `open` attribute is not shown (HTML's own style sheet: `dialog:not([open])
// { display: none }`) until a script opens it: a consent manager's settings screen, a newsletter form, a
// "share" box. Our own reading skips <dialog>s (SKIP_TAGS); Readability, asked for a second opinion when our
// text is short, reads them as any other box. A hand-written page shaped as a WordPress shop with the "GDPR
// Cookie Compliance" plugin's settings dialog (wcxb-dev 0660, whose truth holds none of the dialog's text).

const COOKIES = [
  'This website uses cookies so that we can provide you with the best user experience possible. Cookie information is stored in your browser and performs functions such as recognising you when you return to our website.',
  'Strictly Necessary Cookie should be enabled at all times so that we can save your preferences for cookie settings, and if you disable this cookie we will not be able to save your preferences.',
  'This website uses Google Analytics to collect anonymous information such as the number of visitors to the site, and the most popular pages, which helps us to improve our website for everyone.',
  'Keeping this cookie enabled helps us to improve our website, and you can change your mind at any time by opening these settings again from the link at the bottom of every page of the shop.',
];

const DIALOG = `<dialog id="moove_gdpr_cookie_modal" class="gdpr_lightbox-hide" aria-modal="true">
    <div class="moove-gdpr-modal-content"><h3>Privacy Overview</h3>${COOKIES.map((p) => `<p>${p}</p>`).join('')}</div>
  </dialog>`;

test("a closed <dialog> is not the second opinion's text either", () => {
  // a shop page of two product cards: our own reading is short, so Readability is asked for a second one,
  // and its reading of the whole page would be the settings dialog, the page's only run of paragraphs
  const shop = `<html><head><title>Shop | Bird Feeders</title></head><body>
    <header><a href="/">Home</a><a href="/shop">Shop</a></header>
    <main><h1>Feeders</h1>
      <div class="product"><h2>Smart Bird Feeder Pro</h2><span>199 €</span><p>2K video and slow motion.</p></div>
      <div class="product"><h2>Smart Bird Feeder</h2><span>149 €</span><p>HD photos of every visitor.</p></div>
    </main>
    ${DIALOG}
    </body></html>`;
  const d = extract(shop, { url: 'https://feeders.example/shop/' });
  assert.ok(d.text.includes('Smart Bird Feeder Pro'), `the shop's cards stay: ${d.text}`);
  for (const p of COOKIES)
    assert.ok(!d.text.includes(p.slice(0, 60)), `the closed dialog stays out: ${d.text}`);
});
