import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redirectChainProblem } from './redirect-chain.js';

const A = 'http://site.test/a/0';
const B = 'http://site.test/a/150';

test('a capture without redirects may only name the requested URL as final', () => {
  assert.equal(redirectChainProblem({ requestedUrl: A, finalUrl: A, redirects: [] }), null);
  // the node writes the requested URL as leased and the final one as URL.href
  assert.equal(
    redirectChainProblem({ requestedUrl: 'http://site.test', finalUrl: 'http://site.test/', redirects: [] }),
    null,
  );
  assert.match(
    redirectChainProblem({ requestedUrl: A, finalUrl: B, redirects: [] }) ?? '',
    /finalUrl .*a\/150 is not the requested URL/,
  );
});

test('each hop must start where the previous Location pointed, and the chain must end at the final URL', () => {
  const ok = [
    { url: A, status: 301, location: '/a/7#top' },
    { url: 'http://site.test/a/7', status: 302, location: B },
  ];
  assert.equal(redirectChainProblem({ requestedUrl: A, finalUrl: B, redirects: ok }), null);
  // first hop is not the requested URL
  assert.match(
    redirectChainProblem({
      requestedUrl: A,
      finalUrl: B,
      redirects: [{ url: 'http://site.test/x', status: 301, location: B }],
    }) ?? '',
    /redirects\[0\]\.url .* not the requested URL/,
  );
  // a hop skipped: the second hop is not where the first pointed
  assert.match(
    redirectChainProblem({
      requestedUrl: A,
      finalUrl: B,
      redirects: [ok[0] as (typeof ok)[0], { url: 'http://site.test/a/8', status: 302, location: B }],
    }) ?? '',
    /redirects\[1\]\.url .* redirects\[0\] pointed to http:\/\/site\.test\/a\/7/,
  );
  // the final URL is not where the last Location points
  assert.match(
    redirectChainProblem({ requestedUrl: A, finalUrl: 'http://site.test/a/151', redirects: ok }) ?? '',
    /not where the last redirect points/,
  );
  // a Location the fetcher would not follow
  assert.match(
    redirectChainProblem({
      requestedUrl: A,
      finalUrl: B,
      redirects: [{ url: A, status: 301, location: 'ftp://site.test/a/150' }],
    }) ?? '',
    /location .* not an http\(s\) URL/,
  );
  assert.match(
    redirectChainProblem({
      requestedUrl: A,
      finalUrl: B,
      redirects: [{ url: A, status: 301, location: '' }],
    }) ?? '',
    /location/,
  );
});
