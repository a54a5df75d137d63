import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extract } from './extract.js';

// A hand-written service page: its sections sit side by side right under <body> (a hero, one long section,
// short feature lists, the steps, a call to action), between the site's navigation and footer.

function page(): string {
  const steps = ['Call us', 'We visit', 'You approve', 'We build']
    .map((s, i) => `<div class="step"><h3>Step ${i + 1}: ${s}</h3><p>Step ${i + 1} takes a day</p></div>`)
    .join('');
  return `<html><head><title>Garden rooms | Example Builders</title></head><body>
    <header class="site-header"><nav><a href="/">Home</a><a href="/services">Services</a></nav></header>
    <section class="hero"><h1>Garden rooms built in a week</h1><p>Insulated and wired</p><a href="/quote">Get a quote</a></section>
    <section class="overview"><div class="container"><div class="row">
      <p>A garden room is an office, a studio or a guest room at the bottom of the garden, built on screw piles so that no concrete is poured, insulated to the standard of a new house, and wired by our own electricians.</p>
      <p>We design each room around the garden it stands in, keep the trees where they are, and leave the lawn as we found it, which is why most of our work comes from neighbours of the people we built for.</p>
    </div></div></section>
    <section class="features"><h2>Included in every room</h2><ul><li>Double glazing</li><li>Oak floor</li><li>Ten year guarantee</li></ul></section>
    <section class="process"><h2>How it works</h2>${steps}</section>
    <section class="cta"><h2>Ready when you are</h2><a href="/contact">Contact us</a></section>
    <footer>© Example Builders</footer></body></html>`;
}

test('a service page is all its sections, hero to call to action, not its longest one', () => {
  const d = extract(page(), { url: 'https://builders.example/services/garden-rooms' });
  assert.equal(
    d.pageType?.type,
    'service',
    `the page is recognised as a service page: ${JSON.stringify(d.pageType)}`,
  );
  assert.ok(d.text.includes('screw piles'), 'the long section stays');
  assert.ok(d.text.includes('Garden rooms built in a week'), `the hero's <h1> heads it: ${d.text}`);
  assert.ok(d.text.includes('Ten year guarantee'), `the feature list is part of it: ${d.text}`);
  assert.ok(d.text.includes('Step 3 takes a day'), 'the steps are part of it');
  assert.ok(!d.text.includes('© Example Builders'), 'the footer is not');
});
