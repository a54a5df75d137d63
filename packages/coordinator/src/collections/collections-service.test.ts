import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../open-store.js';
import type { SqlDriver } from '../store/sql-driver.js';
import type { Store } from '../store/store.js';
import { parseOptions } from './collection-options.js';
import { Collections } from './collections-service.js';

describe('collection options under concurrent changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sward-col-options-'));
  let store: Store;
  before(async () => {
    store = await openStore(join(dir, 'db.sqlite'));
  });
  after(async () => {
    await store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = async (id: string) =>
    parseOptions(
      (await store.db.get<{ options: string }>('SELECT options FROM collections WHERE id = ?', [id]))
        ?.options as string,
    );

  test('a pause that read the options before a price change does not write the old price back', async () => {
    const other = new Collections(store.db);
    const col = await other.create('acme', {
      name: 'docs',
      sources: ['https://example.org/feed.xml'],
      every: '5m',
      maxPrice: '0.05',
      budget: '10',
    });
    // The pausing request reads the collection, then the owner lowers its price and budget (another
    // request, committed), then the pause writes.
    let armed = true;
    const db = new Proxy(store.db, {
      get(target, prop, receiver) {
        if (prop === 'get')
          return async (sql: string, params?: unknown[]) => {
            const row = await target.get(sql, params as never);
            if (armed && /FROM collections WHERE id = \?/.test(sql)) {
              armed = false;
              await other.setPricing('acme', col.id, { maxPrice: '0.01', budget: '1' });
            }
            return row;
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as SqlDriver;
    const pausing = new Collections(db);
    assert.equal((await pausing.setPaused('acme', col.id, true)).paused, true);
    assert.equal(armed, false, 'the price change ran between the read and the write');
    const o = await options(col.id);
    assert.equal(o.paused, true);
    assert.equal(o.maxPrice, '0.01', 'the lowered price was lost');
    assert.equal(o.budget, '1', 'the lowered budget was lost');
  });
});
