import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as prom from 'prom-client';
import { LateCounter } from './late-counter.js';

const config = { name: 'sward_things_total', help: 'Things', labelNames: ['kind'] };

test('a LateCounter counted before and after registering scrapes as a Counter counted from the start', async () => {
  const direct = new prom.Registry();
  const counter = new prom.Counter({ ...config, registers: [direct] });
  const late = new LateCounter(config);
  const late2 = new prom.Registry();
  const incs: [{ kind: string }, number][] = [
    [{ kind: 'b' }, 1],
    [{ kind: 'a' }, 2],
    [{ kind: 'b' }, 3],
  ];
  for (const [labels, n] of incs) {
    counter.inc(labels, n);
    late.inc(labels, n);
  }
  late.register(prom, late2);
  counter.inc({ kind: 'c' });
  late.inc({ kind: 'c' });
  counter.inc({ kind: 'a' });
  late.inc({ kind: 'a' });
  assert.equal(await late2.metrics(), await direct.metrics());
  assert.match(await late2.metrics(), /sward_things_total\{kind="b"\} 4\n/);
});

test('an unlabelled LateCounter takes counts as numbers, zero included', async () => {
  const cfg = { name: 'sward_leases_total', help: 'Leases' };
  const direct = new prom.Registry();
  const counter = new prom.Counter({ ...cfg, registers: [direct] });
  const late = new LateCounter(cfg);
  for (const n of [0, 2, 5]) {
    counter.inc(n);
    late.inc(n);
  }
  const registry = new prom.Registry();
  late.register(prom, registry);
  late.inc();
  counter.inc();
  assert.equal(await registry.metrics(), await direct.metrics());
  assert.match(await registry.metrics(), /sward_leases_total 8\n/);
});
