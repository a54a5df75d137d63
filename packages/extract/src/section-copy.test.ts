import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';
import { work } from './work.js';

// A hand-written service page whose sections' boxes are named after their layout, as site builders name them
// ("PageSection_header", "feature-sidebar"): the class-based cleaning and pruning read those names as
// boilerplate and drop the copy inside them. The copy is the page (WCXB's service truths keep it).

const INTRO =
  'We plan, wire and insulate garden rooms so that they can be used every month of the year, and we hand each one over with its certificates in a single folder.';
const SIDE =
  'Every room is built on screw piles, so no concrete is poured, no roots are cut and the lawn is left as we found it when the crew goes home.';
const CARD =
  'Our electricians wire the room to the standard of a new house, with its own consumer unit, and test every circuit before the handover.';
const HIDDEN =
  'This paragraph belongs to a variant the page never shows, and a reader never sees it on any screen size at all.';
const POINTER_LINK =
  'Electric Power Generation, Transmission and Distribution Standard Page of the building regulations';

function page(): string {
  return `<html><head><title>Garden rooms | Example Builders</title></head><body>
    <header class="site-header"><nav><a href="/">Home</a><a href="/services">Services</a></nav></header>
    <main>
    <section class="hero"><h1>Garden rooms built in a week</h1><a href="/quote">Get a quote</a><a href="/call">Call us</a></section>
    <section class="PageSection_root"><div class="PageSection_header"><h2>Planned with you</h2><p>${INTRO}</p></div>
      <p>A garden room is an office, a studio or a guest room at the bottom of the garden, insulated to the standard of a new house.</p>
      <p>We design each room around the garden it stands in and keep the trees where they are, which is why most of our work comes from neighbours.</p>
      <p>Rooms come in three sizes, from a writing shed of eight square metres to a two-room studio with a shower, and each size can be clad in larch, cedar or painted board.</p>
      <p>A room takes a week on site: the piles and frame on Monday, the roof and windows by Wednesday, the electrics and the floor on Thursday, and the handover on Friday afternoon.</p>
    </section>
    <section class="features"><div class="feature-sidebar"><h3>No concrete</h3><p>${SIDE}</p></div>
      <div class="hidden"><p>${HIDDEN}</p></div>
      <p>Visit the <a href="/regs">${POINTER_LINK}</a> for the rules.</p>
      <a href="/wiring" class="card"><div><h3>Wiring</h3><p>${CARD}</p></div></a>
    </section>
    <section class="cta"><h2>Ready when you are</h2><a href="/contact">Contact us</a></section>
    </main>
    <footer><p>Example Builders, 1 High Street, Exampletown. All rights reserved by the company since 1999.</p></footer>
    </body></html>`;
}

test("a service page keeps the copy of sections whose boxes' class names read as boilerplate", () => {
  const d = extract(page(), { url: 'https://builders.example/services/garden-rooms' });
  assert.equal(d.pageType?.type, 'service', `the page is a service page: ${JSON.stringify(d.pageType)}`);
  assert.ok(d.text.includes('insulated to the standard'), `the section's own copy stays: ${d.text}`);
  assert.ok(d.text.includes(INTRO), `the copy in the section's "header" box comes back: ${d.text}`);
  assert.ok(d.text.includes(SIDE), `the copy in the feature's "sidebar" box comes back: ${d.text}`);
  assert.ok(d.text.includes(CARD), `a card's summary, the whole card one link, is copy: ${d.text}`);
  // in place, not appended: the section's heading still comes first
  assert.ok(d.text.indexOf(INTRO) < d.text.indexOf('A garden room is an office'), 'restored where it stood');
  assert.ok(d.markdown.includes('hand each one over'), 'the Markdown holds it too');
  assert.ok(!d.text.includes(HIDDEN), 'a box hidden by its class stays out');
  assert.ok(!d.text.includes(POINTER_LINK), 'a paragraph that is mostly its own link is a pointer, not copy');
  assert.ok(!d.text.includes('All rights reserved'), 'the footer stays out');
});

test("an article's sidebar copy stays out: the rule is for service pages", () => {
  const body = [1, 2, 3, 4, 5]
    .map(
      (i) =>
        `<p>Paragraph ${i} of the story tells how the town council voted on the new bridge, who spoke for it and against it, and what the engineers said it would cost over the next ten years.</p>`,
    )
    .join('');
  const html = `<html><head><title>The bridge vote</title><meta property="og:type" content="article"></head><body>
    <article><h1>The bridge vote</h1>${body}
      <div class="story-sidebar"><p>${SIDE}</p></div></article>
    </body></html>`;
  const d = extract(html, { url: 'https://news.example/2026/bridge-vote' });
  assert.equal(d.pageType?.type, 'article');
  assert.ok(d.text.includes('Paragraph 5 of the story'), 'the story stays');
  assert.ok(!d.text.includes(SIDE), `an article's sidebar box stays out: ${d.text}`);
});

test('thousands of dropped boxes of copy side by side come back in linear work', () => {
  const html = (n: number) =>
    `<html><head><title>Garden rooms</title></head><body><main><section><h1>Garden rooms</h1><a href="/quote">Get a quote</a><a href="/contact">Contact us</a><p>We build garden rooms, with commas, insulated and wired, in a week.</p>${Array.from(
      { length: n },
      (_, r) =>
        `<div class="feature-sidebar"><p>Feature ${r}: ${'abcdefghijklmnopqrs'
          .split('')
          .map((c) => `${c}${r}x`)
          .join(' ')}, for the garden.</p></div>`,
    ).join('')}</section></main></body></html>`;
  const steps = (n: number) => {
    work.steps = 0;
    const d = extract(html(n), {
      secondOpinion: false,
      url: 'https://builders.example/services/garden-rooms',
    });
    assert.equal(d.pageType?.type, 'service');
    // every box's paragraph is back, in order
    assert.equal((d.text.match(/Feature \d+:/g) ?? []).length, n, 'each dropped box of copy comes back');
    assert.ok(d.text.indexOf(`Feature ${n - 1}:`) > d.text.indexOf('Feature 0:'), 'in document order');
    return work.steps;
  };
  const small = steps(500);
  const big = steps(2_000);
  // linear work grows 4x when the page does; a search of the siblings per paragraph would grow 16x
  assert.ok(
    big <= small * 4.6,
    `${small} steps for 500 boxes, ${big} for 2000 (x${(big / small).toFixed(2)})`,
  );
});
