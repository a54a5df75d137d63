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

test('IPv6 forms that carry an IPv4 address are in its /24', () => {
  const v4 = '203.0.113.0/24';
  for (const ip of [
    '::ffff:cb00:7107', // mapped, in hex
    '::ffff:0:203.0.113.7', // SIIT
    '64:ff9b::203.0.113.7', // NAT64
    '2002:cb00:7107:1::1', // 6to4, one of its 65,536 /64s
    '2002:cb00:71ff:ffff::9',
    '2001:0:4136:e378:8000:63bf:34ff:8ef8', // Teredo: the client's address inverted
  ])
    assert.equal(networkOf(ip), v4, ip);
  assert.equal(witnessNetwork('2002:cb00:7107:2::1'), v4);
  assert.equal(witnessNetwork('2002:0a00:0001::1'), null, '6to4 of a private address is unknown');
  assert.equal(networkOf('2001:db8:1:2::1'), '2001:0db8:0001:0002::/64');
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
  // a tunnel broker's /48 is one witness, whichever of its /64s a node uses
  assert.equal(witnessNetwork('2001:db8:1:2::9'), '2001:0db8:0001::/48');
  assert.equal(witnessNetwork('2001:db8:1:ff::1'), witnessNetwork('2001:db8:1:2::9'));
  assert.notEqual(witnessNetwork('2001:db8:2:2::9'), witnessNetwork('2001:db8:1:2::9'));
  assert.ok(!apart(witnessNetwork('203.0.113.7'), witnessNetwork('::ffff:203.0.113.200')));
  assert.ok(apart(witnessNetwork('203.0.113.7'), witnessNetwork('203.0.114.7')));
  assert.ok(apart(null, witnessNetwork('203.0.113.7')) && apart(null, null));
});
