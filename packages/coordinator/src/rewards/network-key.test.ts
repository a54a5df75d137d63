import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkOf, normaliseIp } from './network-key.js';

test('IPv4 groups by /24, IPv6 by /64, IPv4-mapped IPv6 counts as IPv4', () => {
  assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('::ffff:203.0.113.9'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:1:2:aaaa::1'), '2001:0db8:0001:0002::/64');
  assert.equal(networkOf('2001:DB8:1:2::ffff'), networkOf('2001:db8:1:2:ffff:ffff:ffff:1'));
  assert.notEqual(networkOf('2001:db8:1:3::1'), networkOf('2001:db8:1:2::1'));
  assert.equal(normaliseIp('::1'), '0000:0000:0000:0000:0000:0000:0000:0001');
  assert.equal(networkOf('not an ip'), null);
});
