import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import {
  BUILTIN_REFERENCE,
  BUNDLE_MANIFEST_FILE,
  DATASET_DATA_DIR,
  type DatasetBuild,
  type DatasetBuildParams,
  type DatasetFiles,
  type DatasetValuation,
  datasetBuildRequestSchema,
  openBundleManifest,
  parseVerifierKey,
} from '@sward/core';
import type { Logger } from 'pino';
import { CoordinatorError } from '../errors.js';
import { safeError } from '../log-safe.js';
import { newId } from '../store/ids.js';
import { type BuildDeps, buildDataset } from './dataset-build.js';
import { sourceJobs } from './dataset-pages.js';
import { builtinReference, datasetFigures, type FiguresSource, storedQuality } from './dataset-report.js';

interface BuildRow {
  id: string;
  tenant_id: string;
  state: DatasetBuild['state'];
  params: string;
  progress: string;
  report: string | null;
  error: string | null;
  created_at: number | string;
}

const toBuild = (r: BuildRow): DatasetBuild => ({
  id: r.id,
  state: r.state,
  params: JSON.parse(r.params),
  progress: JSON.parse(r.progress),
  report: r.report ? JSON.parse(r.report) : null,
  error: r.error,
  createdAt: new Date(Number(r.created_at)).toISOString(),
});

/**
 * Dataset builds as coordinator jobs: a request is validated and stored, the build runs in this process
 * (progress in its row, so it can be followed), and its files are written under `root`/<id>/ and served
 * from there. A build's folder is read only through its signed manifest's file list.
 */
export class DatasetBuilds {
  private readonly running = new Set<Promise<unknown>>();
  constructor(
    private readonly deps: BuildDeps,
    private readonly root: string,
    private readonly log: Logger,
  ) {}

  /** Validates the request, records the build and starts it; answers at once with the build running. */
  async create(tenant: string, body: unknown): Promise<DatasetBuild> {
    const parsed = datasetBuildRequestSchema.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
    }
    const params: DatasetBuildParams = parsed.data;
    // Refused before anything is recorded: a job of another tenant answers as a missing one.
    await sourceJobs(this.deps.store.db, tenant, params.from);
    const id = newId('ds');
    const now = Date.now();
    await this.deps.store.db.run(
      `INSERT INTO ds_builds (id, tenant_id, state, params, progress, created_at) VALUES (?, ?, 'running', ?, ?, ?)`,
      [id, tenant, JSON.stringify(params), JSON.stringify({ pages: 0, rows: 0 }), now],
    );
    const run = this.run(id, tenant, params, new Date(now).toISOString());
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return this.get(tenant, id);
  }

  private async run(id: string, tenant: string, params: DatasetBuildParams, createdAt: string) {
    const db = this.deps.store.db;
    try {
      const report = await buildDataset(
        this.deps,
        { id, tenant, params, dir: this.dir(id), createdAt },
        (p) =>
          db.run('UPDATE ds_builds SET progress = ? WHERE id = ?', [JSON.stringify(p), id]).then(() => {}),
      );
      await db.run(`UPDATE ds_builds SET state = 'done', report = ? WHERE id = ?`, [
        JSON.stringify(report),
        id,
      ]);
    } catch (e) {
      this.log.warn({ err: safeError(e), build: id }, 'dataset build failed');
      const message = e instanceof CoordinatorError ? e.message : 'internal error; see the coordinator log';
      await db
        .run(`UPDATE ds_builds SET state = 'failed', error = ? WHERE id = ?`, [message, id])
        .catch(() => undefined);
    }
  }

  /** Waits for builds under way (close()). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  async get(tenant: string, id: string): Promise<DatasetBuild> {
    const r = await this.deps.store.db.get<BuildRow>(
      'SELECT * FROM ds_builds WHERE id = ? AND tenant_id = ?',
      [id, tenant],
    );
    if (!r) throw new CoordinatorError('NOT_FOUND', `no dataset build ${id}`);
    return toBuild(r);
  }

  async list(tenant: string, limit: number): Promise<DatasetBuild[]> {
    const rows = await this.deps.store.db.all<BuildRow>(
      'SELECT * FROM ds_builds WHERE tenant_id = ? ORDER BY created_at DESC LIMIT ?',
      [tenant, limit],
    );
    return rows.map(toBuild);
  }

  /** A finished build's files as its signed manifest lists them (the manifest is served beside them). */
  async files(tenant: string, id: string): Promise<DatasetFiles> {
    const b = await this.get(tenant, id);
    if (b.state !== 'done') throw new CoordinatorError('CONFLICT', `dataset build ${id} is ${b.state}`);
    const notePath = join(this.dir(id), BUNDLE_MANIFEST_FILE);
    if (!existsSync(notePath))
      throw new CoordinatorError('NOT_FOUND', `dataset build ${id}: its files are not on this coordinator`);
    const m = openBundleManifest(readFileSync(notePath, 'utf8'), [
      parseVerifierKey(this.deps.checkpoints.verifierKey),
    ]);
    return { files: m.files };
  }

  /** The absolute path of one file of a finished build: only a path its manifest lists (or the manifest). */
  async filePath(tenant: string, id: string, path: string): Promise<string> {
    const { files } = await this.files(tenant, id);
    if (path !== BUNDLE_MANIFEST_FILE && !files.some((f) => f.path === path))
      throw new CoordinatorError('NOT_FOUND', `dataset build ${id} has no file ${path}`);
    const dir = realpathSync(this.dir(id));
    const abs = resolve(dir, path);
    if (!abs.startsWith(dir + sep))
      throw new CoordinatorError('BAD_REQUEST', `path ${path} is outside the build`);
    return abs;
  }

  /**
   * A finished build's valuation report, beside a reference (another finished build of the tenant, or
   * the built-in sample). Computed on request, streaming over the shards: freshness is the captures' age
   * at the time of asking, the reference is the caller's choice, and a build made before reports gets one.
   */
  async report(tenant: string, id: string, reference?: string): Promise<DatasetValuation> {
    const now = Date.now();
    const dataset = await datasetFigures(await this.figuresSource(tenant, id), now);
    const ref =
      reference === undefined
        ? null
        : reference === BUILTIN_REFERENCE
          ? builtinReference()
          : await this.figuresSource(tenant, reference);
    return {
      generatedAt: new Date(now).toISOString(),
      dataset,
      reference: ref ? await datasetFigures(ref, now) : null,
    };
  }

  private async figuresSource(tenant: string, id: string): Promise<FiguresSource> {
    const b = await this.get(tenant, id);
    const params = b.params as DatasetBuildParams;
    const { files } = await this.files(tenant, id);
    return {
      source: {
        kind: 'build',
        id,
        name: params.name ?? `sward-dataset-${id}`,
        note: `dataset build ${id} for ${params.purpose}, built ${b.createdAt}`,
      },
      dir: this.dir(id),
      shards: files
        .map((f) => f.path)
        .filter((p) => p.startsWith(`${DATASET_DATA_DIR}/`) && p.endsWith('.parquet')),
      dedupThreshold: params.dedup,
      storedQuality: storedQuality(this.deps.store.db),
    };
  }

  private dir(id: string) {
    if (!/^ds_[A-Za-z0-9_-]+$/.test(id)) throw new CoordinatorError('NOT_FOUND', `no dataset build ${id}`);
    return join(this.root, id);
  }
}
