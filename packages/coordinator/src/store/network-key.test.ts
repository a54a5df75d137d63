import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apart, networkOf, normaliseIp, witnessNetwork } from './network-key.js';

test('IPv4 groups by /24, IPv6 by /64, IPv4-mapped IPv6 counts as IPv4', () => {
  assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('::ffff:203.0.113.9'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:1:2:aaaa::1'), '2001:0db8:0001:0002::/64');
  assert.equal(networkOf('2001:DB8:1:2::ffff'), networkOf('2001:db8:1:2:ffff:ffff:ffff:1'));
  assert.notEqual(networkOf('2001:db8:1:3::1'), networkOf('2001:db8:1:2::1'));
  assert.equal(normaliseIp('::1'), '0000:0000:0000:0000:0000:0000:0000:0001');
  assert.equal(networkOf('not an ip'), null);
});

test('a witness network is unknown for loopback, LAN, unspecified and non-addresses, and unknown is apart from all', () => {
  for (const ip of [
    '127.0.0.1',
    '127.8.9.1',
    '::1',
    '::ffff:127.0.0.1',
    '0.0.0.0',
    '::',
    '',
    null,
    'x',
    '10.0.0.5',
    '192.168.1.20',
    '172.16.3.4',
    '169.254.1.1',
    'fe80::1',
    'fd12:3456::1',
  ])
    assert.equal(witnessNetwork(ip), null, String(ip));
  assert.equal(witnessNetwork('203.0.113.7'), '203.0.113.0/24');
  assert.equal(witnessNetwork('2001:db8:1:2::9'), witnessNetwork('2001:db8:1:2:ffff::1'));
  assert.ok(!apart(witnessNetwork('203.0.113.7'), witnessNetwork('::ffff:203.0.113.200')));
  assert.ok(apart(witnessNetwork('203.0.113.7'), witnessNetwork('203.0.114.7')));
  assert.ok(apart(null, witnessNetwork('203.0.113.7')) && apart(null, null));
});
