import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { envName, loadNodeConfig, parseNodeConfig, USER_AGENT } from './config.js';
import { NodeError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-node-config-'));
const file = join(dir, 'node.json');
writeFileSync(
  file,
  JSON.stringify({
    coordinatorUrl: 'http://file.example',
    maxConcurrent: 3,
    bytesPerHour: '1MB',
    denyDomains: ['a.com'],
  }),
);

test('defaults: 4 concurrent, no caps, 10 MiB bodies, private addresses refused', () => {
  const c = parseNodeConfig({ coordinatorUrl: 'http://c.example' });
  assert.equal(c.maxConcurrent, 4);
  assert.equal(c.bytesPerHour, null);
  assert.equal(c.bytesPerDay, null);
  assert.equal(c.maxBodyBytes, 10 * 1024 * 1024);
  assert.equal(c.allowPrivate, false);
  assert.deepEqual(c.activeHours, []);
  assert.equal(c.activeHoursTimeZone, 'local');
  assert.match(c.keyFile, /\.sward\/node\/key\.pem$/);
  assert.equal(c.userAgent, USER_AGENT);
  assert.match(USER_AGENT, /^SwardBot\/\d+\.\d+\.\d+ \(\+https:\/\/sward\.dev\/bot\)$/);
});

test('precedence: flags > env > config file > defaults', () => {
  const env = {
    [envName('maxConcurrent')]: '7',
    [envName('coordinatorUrl')]: 'http://env.example',
    SWARD_NODE_BYTES_PER_DAY: '2GiB',
    SWARD_NODE_ALLOW_PRIVATE: 'true',
  };
  const c = loadNodeConfig({ configFile: file, env, args: { maxConcurrent: '9', bytesPerHour: undefined } });
  assert.equal(c.maxConcurrent, 9); // flag
  assert.equal(c.coordinatorUrl, 'http://env.example'); // env over file
  assert.equal(c.bytesPerHour, 1_000_000); // file
  assert.equal(c.bytesPerDay, 2 * 1024 ** 3); // env
  assert.equal(c.allowPrivate, true);
  assert.deepEqual(c.denyDomains, ['a.com']);
  assert.equal(c.timeoutMs, 30_000); // default
  assert.equal(envName('maxConcurrent'), 'SWARD_NODE_MAX_CONCURRENT');
});

test('lists come as arrays or comma-separated text; domains are normalised', () => {
  const c = loadNodeConfig({
    env: {
      SWARD_NODE_DENY_DOMAINS: 'Example.COM., *.ads.net',
      SWARD_NODE_ACTIVE_HOURS: '22:00-07:00,12:00-13:00',
    },
  });
  assert.deepEqual(c.denyDomains, ['example.com', 'ads.net']);
  assert.deepEqual(c.activeHours, ['22:00-07:00', '12:00-13:00']);
});

test('errors name the bad field and where it came from', () => {
  const bad = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof NodeError && e.code === 'CONFIG' && re.test(e.message));
  bad(
    () => loadNodeConfig({ env: { SWARD_NODE_MAX_CONCURRENT: 'lots' } }),
    /maxConcurrent \(from environment SWARD_NODE_MAX_CONCURRENT\)/,
  );
  bad(() => loadNodeConfig({ args: { maxConcurrent: '0' } }), /maxConcurrent \(from flags\)/);
  bad(() => loadNodeConfig({ args: { bytesPerHour: '12 parsecs' } }), /bytesPerHour/);
  bad(() => loadNodeConfig({ args: { activeHours: '25:00-07:00' } }), /activeHours\.0.*HH:MM-HH:MM/);
  bad(() => loadNodeConfig({ args: { coordinatorUrl: 'not a url' } }), /coordinatorUrl/);
  bad(() => parseNodeConfig({ maxConcurrentt: 3 } as never), /maxConcurrentt/);
  bad(() => loadNodeConfig({ configFile: join(dir, 'missing.json') }), /cannot read config file/);
});
