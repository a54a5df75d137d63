import { randomBytes } from 'node:crypto';
import {
  type NoteSigner,
  type SpotCheckEpoch,
  selectedForSpotCheck,
  signNote,
  spotCheckCommitment,
  spotCheckExtensionLine,
  spotCheckStatementText,
} from '@sward/core';
import { inChunks, valuesList } from '../store/multi-row.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import type { SpotCheckConfig } from './config.js';

interface KeyRow {
  epoch: number;
  secret: string;
  commitment: string;
  rate: number;
  startsAt: number;
  endsAt: number;
  statement: string;
}

/**
 * The commit-reveal secrets that decide spot checks. Each epoch's key is created (and its commitment signed
 * with the log's key) one epoch ahead, so its commitment is in the checkpoints of the epoch before and no
 * node can know it while it submits. The key lives in the database, so every replica draws with the same
 * one; it is never logged, and leaves the coordinator only through `epochs()` once revealed.
 */
export class SampleKeys {
  /** Keys read by this process, by epoch: the secret of a running epoch never changes. */
  private readonly cache = new Map<number, KeyRow>();

  constructor(
    private readonly db: SqlDriver,
    private readonly signer: NoteSigner,
    private readonly origin: string,
    private readonly config: Pick<SpotCheckConfig, 'rate' | 'epochMs' | 'revealDelayMs'>,
    private readonly clock: () => number = Date.now,
  ) {}

  epochOf(at: number): number {
    return Math.floor(at / this.config.epochMs);
  }

  /**
   * Draws a stored capture in the epoch it is accepted in, records the draw for auditors and says whether
   * the capture is checked. Creates the epoch's key (and the next one's) if no replica has yet.
   */
  async draw(tx: SqlExecutor, captureId: string, at = this.clock()): Promise<boolean> {
    const epoch = this.epochOf(at);
    const key = await this.key(tx, epoch);
    await this.key(tx, epoch + 1);
    const selected = selectedForSpotCheck(key.secret, captureId, key.rate);
    await tx.run(
      'INSERT INTO spot_check_draws (capture_id, epoch, selected) VALUES (?, ?, ?) ON CONFLICT (capture_id) DO NOTHING',
      [captureId, epoch, selected ? 1 : 0],
    );
    return selected;
  }

  /** draw() for a batch of stored captures: the draws recorded in one statement; which ids are selected. */
  async drawMany(tx: SqlExecutor, captureIds: readonly string[], at = this.clock()): Promise<Set<string>> {
    const epoch = this.epochOf(at);
    const key = await this.key(tx, epoch);
    await this.key(tx, epoch + 1);
    const selected = new Set(captureIds.filter((id) => selectedForSpotCheck(key.secret, id, key.rate)));
    await inChunks(tx, captureIds, (chunk) => [
      `INSERT INTO spot_check_draws (capture_id, epoch, selected) VALUES ${valuesList(chunk.length, ['?', '?', '?'])}
       ON CONFLICT (capture_id) DO NOTHING`,
      chunk.flatMap((id) => [id, epoch, selected.has(id) ? 1 : 0]),
    ]);
    return selected;
  }

  /** Checkpoint extension lines committing to the current and the next epoch's keys (created if needed). */
  async extensionLines(at = this.clock()): Promise<string[]> {
    const epoch = this.epochOf(at);
    const rows = await this.db.transaction(async (tx) => [
      await this.key(tx, epoch),
      await this.key(tx, epoch + 1),
    ]);
    return rows.map((r) => spotCheckExtensionLine(r));
  }

  /** Every epoch from `from` on, newest last; the key only of epochs over for revealDelayMs. */
  async epochs(from = 0, limit = 500, at = this.clock()): Promise<SpotCheckEpoch[]> {
    const rows = await this.db.all<Record<string, unknown>>(
      'SELECT * FROM spot_check_keys WHERE epoch >= ? ORDER BY epoch LIMIT ?',
      [from, limit],
    );
    return rows.map((r) => {
      const k = mapKey(r);
      const revealed = at >= k.endsAt + this.config.revealDelayMs;
      return {
        epoch: k.epoch,
        startsAt: k.startsAt,
        endsAt: k.endsAt,
        rate: k.rate,
        commitment: k.commitment,
        statement: k.statement,
        key: revealed ? k.secret : null,
      };
    });
  }

  /** The draw recorded for a capture, or undefined when it was never drawn (not stored as a page). */
  async drawOf(
    captureId: string,
  ): Promise<{ captureId: string; epoch: number; selected: boolean } | undefined> {
    const r = await this.db.get<{ epoch: number; selected: number }>(
      'SELECT epoch, selected FROM spot_check_draws WHERE capture_id = ?',
      [captureId],
    );
    return r ? { captureId, epoch: Number(r.epoch), selected: Number(r.selected) === 1 } : undefined;
  }

  private async key(tx: SqlExecutor, epoch: number): Promise<KeyRow> {
    const hit = this.cache.get(epoch);
    if (hit) return hit;
    const secret = randomBytes(32).toString('hex');
    const commitment = spotCheckCommitment(secret);
    const startsAt = epoch * this.config.epochMs;
    const endsAt = startsAt + this.config.epochMs;
    const rate = this.config.rate;
    const statement = signNote(
      spotCheckStatementText(this.origin, { epoch, startsAt, endsAt, rate, commitment }),
      [this.signer],
    );
    // Replicas racing to create the same epoch: the first insert wins and everyone reads it back.
    const ins = await tx.run(
      `INSERT INTO spot_check_keys (epoch, secret, commitment, rate, starts_at, ends_at, statement, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (epoch) DO NOTHING`,
      [epoch, secret, commitment, rate, startsAt, endsAt, statement, this.clock()],
    );
    const r = await tx.get<Record<string, unknown>>('SELECT * FROM spot_check_keys WHERE epoch = ?', [epoch]);
    const row = mapKey(r as Record<string, unknown>);
    // Only a key someone already committed is cached: ours could still be rolled back with `tx`.
    if (ins.changes === 0) {
      this.cache.set(epoch, row);
      if (this.cache.size > 8) this.cache.delete(Math.min(...this.cache.keys()));
    }
    return row;
  }
}

function mapKey(r: Record<string, unknown>): KeyRow {
  return {
    epoch: Number(r.epoch),
    secret: String(r.secret),
    commitment: String(r.commitment),
    rate: Number(r.rate),
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    statement: String(r.statement),
  };
}
