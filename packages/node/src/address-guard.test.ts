import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAllowedAddress, assertAllowedHostName, classifyAddress } from './address-guard.js';
import { NodeError } from './errors.js';

const refused: [string, string][] = [
  // IPv4 ranges
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.1.1', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['100.127.255.254', 'carrierGradeNat'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  // cloud metadata
  ['169.254.169.254', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['fd00:ec2::254', 'metadata'],
  // numeric spellings of 127.0.0.1 that inet_aton (and so getaddrinfo) accepts
  ['2130706433', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['017700000001', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['127.1', 'loopback'],
  ['0xa9.0xfe.0xa9.0xfe', 'metadata'],
  ['2852039166', 'metadata'],
  // IPv6
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['::7f00:1', 'reserved'], // IPv4-compatible (deprecated), outside 2000::/3
  ['100::1', 'reserved'], // discard prefix
  // IPv6 carrying an IPv4 address is judged by the IPv4 address
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['64:ff9b::a9fe:a9fe', 'metadata'], // NAT64 of 169.254.169.254
  ['64:ff9b::7f00:1', 'loopback'],
  ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
  ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
];

const allowed = [
  '8.8.8.8',
  '93.184.216.34',
  '1.1.1.1',
  '2606:4700:4700::1111',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '134744072',
];

for (const [address, range] of refused) {
  test(`guard refuses ${address} as ${range}`, () => {
    assert.equal(classifyAddress(address)?.range, range);
    assert.throws(
      () => assertAllowedAddress(address, { allowPrivate: false }),
      (e: unknown) => e instanceof NodeError && e.code === 'BLOCKED_ADDRESS',
    );
  });
}

for (const address of allowed) {
  test(`guard allows public ${address}`, () => {
    assert.equal(classifyAddress(address)?.range, 'public');
    assertAllowedAddress(address, { allowPrivate: false });
  });
}

test('URL parsing normalises numeric hosts, and the guard agrees with it', () => {
  for (const host of ['2130706433', '0x7f.1', '017700000001', '0177.0.0.1', '127.1', '0x7F.0.0.1']) {
    const h = new URL(`http://${host}/`).hostname;
    assert.equal(h, '127.0.0.1', host);
    assert.equal(classifyAddress(h)?.range, 'loopback');
    assert.equal(classifyAddress(host)?.range, 'loopback', `direct ${host}`);
  }
  assert.equal(new URL('http://[::ffff:127.0.0.1]/').hostname, '[::ffff:7f00:1]');
  assert.equal(classifyAddress(new URL('http://[::ffff:127.0.0.1]/').hostname)?.range, 'loopback');
});

test('allowPrivate lifts the refusal except for metadata endpoints', () => {
  assertAllowedAddress('127.0.0.1', { allowPrivate: true });
  assertAllowedAddress('10.0.0.1', { allowPrivate: true });
  assertAllowedAddress('::1', { allowPrivate: true });
  assert.throws(() => assertAllowedAddress('169.254.169.254', { allowPrivate: true }), /metadata/);
  assert.throws(() => assertAllowedAddress('::ffff:100.100.100.200', { allowPrivate: true }), /metadata/);
});

test('host names: metadata names always refused, localhost unless allowPrivate', () => {
  assert.throws(() => assertAllowedHostName('metadata.google.internal', { allowPrivate: true }), /metadata/);
  assert.throws(
    () => assertAllowedHostName('METADATA.google.internal.', { allowPrivate: false }),
    /metadata/,
  );
  assert.throws(() => assertAllowedHostName('localhost', { allowPrivate: false }), /loopback/);
  assert.throws(() => assertAllowedHostName('a.localhost', { allowPrivate: false }), /loopback/);
  assertAllowedHostName('localhost', { allowPrivate: true });
  assertAllowedHostName('example.com', { allowPrivate: false });
});

test('host names are not IP addresses', () => {
  assert.equal(classifyAddress('example.com'), null);
  assert.equal(classifyAddress('1.2.3.4.5'), null);
});

test('verdicts are remembered but cannot be changed by a caller: a later check of the address still refuses it', () => {
  for (const address of ['169.254.169.254', '10.0.0.1', '::ffff:127.0.0.1']) {
    const first = classifyAddress(address);
    assert.ok(first);
    const range = first.range;
    assert.throws(() => {
      (first as { range: string }).range = 'public';
    }, TypeError);
    assert.equal(classifyAddress(address)?.range, range);
    assert.throws(() => assertAllowedAddress(address, { allowPrivate: false }), /BLOCKED|refusing/);
  }
  // many distinct addresses: the memo is bounded, and answers stay right past its size
  for (let i = 0; i < 3000; i++) assert.equal(classifyAddress(`8.8.${i >> 8}.${i & 255}`)?.range, 'public');
  assert.equal(classifyAddress('10.0.0.1')?.range, 'private');
});
