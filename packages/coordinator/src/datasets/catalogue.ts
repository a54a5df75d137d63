import { statSync } from 'node:fs';
import {
  BUNDLE_MANIFEST_FILE,
  type CatalogueDownload,
  type CatalogueVersion,
  catalogueDeprecateRequestSchema,
  catalogueDownloadRequestSchema,
  cataloguePublishRequestSchema,
  type DatasetPurpose,
  decimalMicros,
  microsDecimal,
} from '@sward/core';
import type { z } from 'zod';
import { chargeForPages, type PageChargeLedger, splitPagePrice } from '../creators/page-charges.js';
import { parseStoredTerms } from '../creators/stored-terms.js';
import { CoordinatorError } from '../errors.js';
import { payReuseRoyalty, type RoyaltyLedger } from '../rewards/reuse-royalty.js';
import { recordAudit } from '../store/audit-store.js';
import { newId } from '../store/ids.js';
import type { SqlDriver, SqlExecutor } from '../store/sql-driver.js';
import {
  dropFrozen,
  type FrozenLabels,
  freezeLabels,
  frozenFilePath,
  isLabelsSource,
  type LabelProjects,
} from './catalogue-labels.js';
import { diffVersions, readVersionRows, type VersionRow } from './catalogue-rows.js';
import type { DatasetBuilds } from './dataset-builds.js';

/** Who is asking: the key's tenant, and the key (the actor of the audit log and of a download's meter). */
export interface CatalogueCaller {
  tenant: string;
  keyId: string;
}

interface VersionDbRow {
  id: string;
  owner: string;
  name: string;
  version: string;
  build_id: string;
  description: string;
  visibility: CatalogueVersion['visibility'];
  purpose: DatasetPurpose;
  files: string;
  row_count: number | string;
  bytes: number | string;
  licenses: string;
  price: string;
  changes: string | null;
  published_at: number | string;
  deprecated_at: number | string | null;
  deprecation_reason: string | null;
}

interface DownloadDbRow {
  id: string;
  version_id: string;
  customer: string;
  created_at: number | string;
  row_count: number | string;
  bytes: number | string;
  priced_rows: number | string;
  charged: number | string;
  bytes_served: number | string;
  files_served: number | string;
}

/** Rows per multi-row INSERT: far under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;
/** Changed URLs shown with one version (the changes route pages through the rest). */
const CHANGES_SHOWN = 100;

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

function parsed<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new CoordinatorError('BAD_REQUEST', `${i?.path.join('.') || 'body'}: ${i?.message}`);
  }
  return r.data;
}

/** The versions `tenant` may see: its own, those shared with it, and public ones (SQL over `v`). */
const VISIBLE = `(v.owner = ? OR v.visibility = 'public' OR (v.visibility = 'tenants' AND EXISTS
  (SELECT 1 FROM ds_version_tenants t WHERE t.version_id = v.id AND t.tenant_id = ?)))`;

/**
 * The dataset catalogue (issue #16 point 4). A tenant publishes a finished build of its own as
 * `<tenant>/<name>@<version>`: the version is immutable (its files are the build's signed files, its rows and
 * their creator terms are recorded, and what changed against the previous version of the name is stored).
 * Others see it only if it is shared with their tenant or public; every other tenant's lookup answers 404.
 * A download is the whole version, bought at once: before any file is handed out the customer is charged, in
 * one transaction, for every row of a claimed domain at the terms version its capture recorded
 * (chargeForPages, ref `dataset:<download id>`); its files are then served under the download's id only.
 */
export class Catalogue {
  constructor(
    private readonly db: SqlDriver,
    private readonly builds: DatasetBuilds,
    private readonly rewards: PageChargeLedger & RoyaltyLedger,
    private readonly labelling: LabelProjects,
    /** Where `labels` versions keep their files (a build's stay in its own folder). */
    private readonly labelsRoot: string,
  ) {}

  async publish(caller: CatalogueCaller, body: unknown): Promise<CatalogueVersion> {
    const req = parsed(cataloguePublishRequestSchema, body);
    const id = newId('dv');
    if (req.project === undefined) return this.publishBuild(caller, req, id, req.build as string);
    const frozen = await freezeLabels(this.labelling, this.labelsRoot, caller.tenant, req.project, id);
    try {
      return await this.publishLabels(caller, req, id, frozen);
    } catch (e) {
      dropFrozen(this.labelsRoot, id);
      throw e;
    }
  }

  /** A labelling project's export, frozen at publish time: no creator price, no royalty (not crawled pages). */
  private publishLabels(
    caller: CatalogueCaller,
    req: z.output<typeof cataloguePublishRequestSchema>,
    id: string,
    frozen: FrozenLabels,
  ): Promise<CatalogueVersion> {
    return this.insertVersion(caller, req, id, {
      source: frozen.project,
      purpose: 'train',
      files: frozen.files,
      bytes: frozen.bytes,
      rows: frozen.rows,
      licenses: frozen.licenses,
    });
  }

  private async publishBuild(
    caller: CatalogueCaller,
    req: z.output<typeof cataloguePublishRequestSchema>,
    id: string,
    buildId: string,
  ): Promise<CatalogueVersion> {
    const { tenant } = caller;
    const build = await this.builds.get(tenant, buildId);
    if (build.state !== 'done')
      throw new CoordinatorError('CONFLICT', `dataset build ${buildId} is ${build.state}, not done`);
    const { files } = await this.builds.files(tenant, buildId);
    const pagesFile = files.find((f) => f.path === 'pages.jsonl');
    if (!pagesFile) throw new CoordinatorError('CONFLICT', `dataset build ${buildId} has no pages.jsonl`);
    const rows = await readVersionRows(
      await this.builds.filePath(tenant, buildId, pagesFile.path),
      pagesFile,
    );
    const manifestBytes = statSync(await this.builds.filePath(tenant, buildId, BUNDLE_MANIFEST_FILE)).size;
    return this.insertVersion(caller, req, id, {
      source: buildId,
      purpose: (build.params as { purpose: DatasetPurpose }).purpose,
      files,
      bytes: files.reduce((s, f) => s + f.size, manifestBytes),
      rows,
      licenses: build.report?.licenses ?? {},
    });
  }

  private async insertVersion(
    caller: CatalogueCaller,
    req: z.output<typeof cataloguePublishRequestSchema>,
    id: string,
    src: {
      source: string;
      purpose: DatasetPurpose;
      files: CatalogueVersion['files'];
      bytes: number;
      rows: VersionRow[];
      licenses: Record<string, number>;
    },
  ): Promise<CatalogueVersion> {
    const { tenant } = caller;
    const { rows, files, bytes, purpose } = src;
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      const price = await priceOf(tx, rows);
      const inserted = await tx.get<{ id: string }>(
        `INSERT INTO ds_versions (id, owner, name, version, build_id, description, visibility, purpose, files,
           row_count, bytes, licenses, price, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner, name, version) DO NOTHING
         RETURNING id`,
        [
          id,
          tenant,
          req.name,
          req.version,
          src.source,
          req.description,
          req.visibility,
          purpose,
          JSON.stringify(files),
          rows.length,
          bytes,
          JSON.stringify(src.licenses),
          JSON.stringify(price),
          now,
          caller.keyId,
        ],
      );
      if (!inserted)
        throw new CoordinatorError(
          'CONFLICT',
          `${tenant}/${req.name}@${req.version} is already published; a version never changes: publish another version`,
        );
      for (const t of new Set(req.tenants))
        await tx.run('INSERT INTO ds_version_tenants (version_id, tenant_id) VALUES (?, ?)', [id, t]);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK);
        await tx.run(
          `INSERT INTO ds_version_rows (version_id, capture_id, url, body_sha256, node_id, terms_domain, terms_version)
           VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
          chunk.flatMap((r) => [
            id,
            r.captureId,
            r.url,
            r.bodySha256,
            r.nodeId,
            r.terms?.domain ?? null,
            r.terms?.version ?? null,
          ]),
        );
      }
      await this.recordChanges(tx, id, tenant, req.name, src.source, rows);
      await recordAudit(tx, {
        actor: caller.keyId,
        action: 'dataset.publish',
        target: `${tenant}/${req.name}@${req.version}`,
        detail: {
          [isLabelsSource(src.source) ? 'project' : 'build']: src.source,
          visibility: req.visibility,
          tenants: req.tenants,
          rows: rows.length,
        },
      });
    });
    return this.version(tenant, tenant, req.name, req.version);
  }

  /** Compares the new version's rows with the previous publication of the name, and stores the difference. */
  private async recordChanges(
    tx: SqlExecutor,
    id: string,
    owner: string,
    name: string,
    source: string,
    rows: VersionRow[],
  ) {
    const prev = await tx.get<{ id: string; version: string; build_id: string }>(
      `SELECT id, version, build_id FROM ds_versions WHERE owner = ? AND name = ? AND id <> ?
       ORDER BY published_at DESC, id DESC LIMIT 1`,
      [owner, name, id],
    );
    if (!prev) return;
    // URLs and item ids do not compare: a name holds one kind of version.
    if (isLabelsSource(prev.build_id) !== isLabelsSource(source))
      throw new CoordinatorError(
        'CONFLICT',
        `${owner}/${name}@${prev.version} holds ${kindOf(prev.build_id)}: publish ${kindOf(source)} under another name`,
      );
    const before = await tx.all<{ url: string; body_sha256: string }>(
      'SELECT url, body_sha256 FROM ds_version_rows WHERE version_id = ?',
      [prev.id],
    );
    const { changes, unchanged } = diffVersions(
      before.map((r) => ({ url: r.url, bodySha256: r.body_sha256 })),
      rows,
    );
    for (let i = 0; i < changes.length; i += CHUNK) {
      const chunk = changes.slice(i, i + CHUNK);
      await tx.run(
        `INSERT INTO ds_version_changes (version_id, seq, url, change, before_sha, after_sha)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((c, j) => [id, i + j, c.url, c.change, c.before.join(','), c.after.join(',')]),
      );
    }
    const count = (k: string) => changes.filter((c) => c.change === k).length;
    await tx.run('UPDATE ds_versions SET changes = ? WHERE id = ?', [
      JSON.stringify({
        previous: prev.version,
        added: count('added'),
        removed: count('removed'),
        changed: count('changed'),
        unchanged,
      }),
      id,
    ]);
  }

  /** The versions the tenant may see, newest first; deprecated ones only when asked. */
  async list(
    tenant: string,
    q: { deprecated: 'true' | 'false'; owner?: string | undefined; limit: number },
  ): Promise<CatalogueVersion[]> {
    const rows = await this.db.all<VersionDbRow>(
      `SELECT v.* FROM ds_versions v WHERE ${VISIBLE}${q.deprecated === 'true' ? '' : ' AND v.deprecated_at IS NULL'}
       ${q.owner ? 'AND v.owner = ?' : ''} ORDER BY v.published_at DESC, v.id DESC LIMIT ?`,
      [tenant, tenant, ...(q.owner ? [q.owner] : []), q.limit],
    );
    return Promise.all(rows.map((r) => this.toVersion(r, tenant, false)));
  }

  /** Every version of one name the tenant may see, newest first, deprecated ones included. */
  async versions(tenant: string, owner: string, name: string): Promise<CatalogueVersion[]> {
    const rows = await this.db.all<VersionDbRow>(
      `SELECT v.* FROM ds_versions v WHERE v.owner = ? AND v.name = ? AND ${VISIBLE}
       ORDER BY v.published_at DESC, v.id DESC`,
      [owner, name, tenant, tenant],
    );
    if (rows.length === 0) throw new CoordinatorError('NOT_FOUND', `no dataset ${owner}/${name}`);
    return Promise.all(rows.map((r) => this.toVersion(r, tenant, false)));
  }

  async version(tenant: string, owner: string, name: string, version: string): Promise<CatalogueVersion> {
    return this.toVersion(await this.visibleRow(this.db, tenant, owner, name, version), tenant, true);
  }

  /** The URLs added, removed or changed against the previous version, in URL order, from `offset`. */
  async changes(
    tenant: string,
    owner: string,
    name: string,
    version: string,
    q: { limit: number; offset: number },
  ): Promise<NonNullable<CatalogueVersion['changes']>['rows']> {
    const v = await this.visibleRow(this.db, tenant, owner, name, version);
    return this.changeRows(v.id, q.limit, q.offset);
  }

  async deprecate(
    caller: CatalogueCaller,
    owner: string,
    name: string,
    version: string,
    body: unknown,
  ): Promise<CatalogueVersion> {
    const { reason } = parsed(catalogueDeprecateRequestSchema, body);
    await this.db.transaction(async (tx) => {
      const v = await this.visibleRow(tx, caller.tenant, owner, name, version);
      if (v.owner !== caller.tenant)
        throw new CoordinatorError('FORBIDDEN', `only ${owner} may deprecate ${owner}/${name}@${version}`);
      if (v.deprecated_at !== null)
        throw new CoordinatorError(
          'CONFLICT',
          `${owner}/${name}@${version} was deprecated on ${iso(v.deprecated_at)}: ${v.deprecation_reason}`,
        );
      await tx.run('UPDATE ds_versions SET deprecated_at = ?, deprecation_reason = ? WHERE id = ?', [
        Date.now(),
        reason,
        v.id,
      ]);
      await recordAudit(tx, {
        actor: caller.keyId,
        action: 'dataset.deprecate',
        target: `${owner}/${name}@${version}`,
        detail: { reason },
      });
    });
    return this.version(caller.tenant, owner, name, version);
  }

  /**
   * A new download of a whole version: refused with PAYMENT_REQUIRED (nothing recorded, nothing charged)
   * when the version is priced above the request's maxPrice; else recorded and charged in one transaction.
   * The owner's own downloads are metered and free (its crawl paid for the pages when they were stored).
   */
  async download(
    caller: CatalogueCaller,
    owner: string,
    name: string,
    version: string,
    body: unknown,
  ): Promise<CatalogueDownload> {
    const req = parsed(catalogueDownloadRequestSchema, body);
    const id = newId('dl');
    // The files must be here before anyone pays for them (read outside the transaction: on SQLite the
    // builds' own reads would wait for it).
    const found = await this.visibleRow(this.db, caller.tenant, owner, name, version);
    if (isLabelsSource(found.build_id))
      for (const f of JSON.parse(found.files) as CatalogueVersion['files'])
        frozenFilePath(this.labelsRoot, found.id, [f], f.path);
    else await this.builds.filePath(found.owner, found.build_id, BUNDLE_MANIFEST_FILE);
    await this.db.transaction(async (tx) => {
      const v = await this.visibleRow(tx, caller.tenant, owner, name, version);
      const own = v.owner === caller.tenant;
      const price = JSON.parse(v.price) as CatalogueVersion['price'];
      const max = req.maxPrice === undefined ? null : decimalMicros(req.maxPrice);
      const label = `${owner}/${name}@${version}`;
      if (!own && price.microUsd > 0 && (max === null || max < price.microUsd))
        throw new CoordinatorError(
          'PAYMENT_REQUIRED',
          `a download of ${label} costs USD ${price.usd} (${price.pricedRows} rows under creators' terms)${
            max === null ? '; maxPrice is not set' : `, more than maxPrice USD ${microsDecimal(max)}`
          }: ask again with maxPrice of at least ${price.usd} (sward dataset download --max-price)`,
        );
      await tx.run(
        `INSERT INTO ds_downloads (id, version_id, customer, key_id, created_at, row_count, bytes, priced_rows,
           charged, max_price) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        [
          id,
          v.id,
          caller.tenant,
          caller.keyId,
          Date.now(),
          v.row_count,
          v.bytes,
          own ? 0 : price.pricedRows,
          max,
        ],
      );
      // Labels are not crawled pages: no creator's terms to pay, no node's capture sold again.
      if (own || isLabelsSource(v.build_id)) return;
      // The version's rows, read once: those under creator terms are charged, every one is sold again.
      const rows = await tx.all<{
        capture_id: string;
        node_id: string;
        terms_domain: string | null;
        terms_version: number | null;
      }>(
        `SELECT capture_id, node_id, terms_domain, terms_version FROM ds_version_rows
         WHERE version_id = ? ORDER BY capture_id`,
        [v.id],
      );
      const { charged } = await chargeForPages(tx, this.rewards, {
        customer: caller.tenant,
        ref: `dataset:${id}`,
        pages: rows.flatMap((p) =>
          p.terms_domain === null
            ? []
            : [
                {
                  captureId: p.capture_id,
                  nodeId: p.node_id,
                  domain: p.terms_domain,
                  version: Number(p.terms_version),
                  purpose: v.purpose,
                },
              ],
        ),
      });
      // The price shown is what the recorded terms give; should they ever disagree, the customer's ceiling wins.
      if (charged > 0 && (max === null || charged > max))
        throw new CoordinatorError(
          'PAYMENT_REQUIRED',
          `a download of ${label} would cost USD ${microsDecimal(charged)}`,
        );
      await tx.run('UPDATE ds_downloads SET charged = ? WHERE id = ?', [charged, id]);
      // Every row is a capture sold again: its node's operator earns the reuse royalty (docs/REWARDS.md),
      // once per download and capture, and never for a capture made for the buyer's own jobs.
      await payReuseRoyalty(tx, this.rewards, {
        ref: `dataset:${id}`,
        buyer: caller.tenant,
        captures: rows.map((r) => ({ captureId: r.capture_id, nodeId: r.node_id })),
      });
    });
    return this.getDownload(caller.tenant, id);
  }

  /** One of the tenant's downloads (another tenant's answers 404). */
  async getDownload(tenant: string, id: string): Promise<CatalogueDownload> {
    const d = await this.db.get<DownloadDbRow>('SELECT * FROM ds_downloads WHERE id = ? AND customer = ?', [
      id,
      tenant,
    ]);
    if (!d) throw new CoordinatorError('NOT_FOUND', `no download ${id}`);
    const v = await this.db.get<VersionDbRow>('SELECT * FROM ds_versions WHERE id = ?', [d.version_id]);
    if (!v) throw new CoordinatorError('STORAGE', `download ${id}: its version is missing`);
    return this.toDownload(d, v);
  }

  /** The tenant's downloads, newest first (without their file lists). */
  async myDownloads(tenant: string, limit: number): Promise<Omit<CatalogueDownload, 'files'>[]> {
    return this.downloadLines('d.customer = ?', [tenant], limit);
  }

  /** Who downloaded a version of the caller's: only its owner may ask (404 if it cannot see it, else 403). */
  async downloadsOf(
    tenant: string,
    owner: string,
    name: string,
    version: string,
    limit: number,
  ): Promise<Omit<CatalogueDownload, 'files'>[]> {
    const v = await this.visibleRow(this.db, tenant, owner, name, version);
    if (v.owner !== tenant)
      throw new CoordinatorError(
        'FORBIDDEN',
        `only ${owner} sees who downloaded ${owner}/${name}@${version}`,
      );
    return this.downloadLines('d.version_id = ?', [v.id], limit);
  }

  /**
   * The absolute path of one file of a download, for its customer only, and the meter moved on: a file of
   * the download's list or its signed manifest; anything else answers 404 whatever the path says.
   */
  async downloadFile(tenant: string, id: string, path: string): Promise<string> {
    const d = await this.getDownload(tenant, id);
    const v = await this.db.get<{ id: string; owner: string; build_id: string }>(
      'SELECT v.id, v.owner, v.build_id FROM ds_versions v JOIN ds_downloads d ON d.version_id = v.id WHERE d.id = ?',
      [id],
    );
    if (!v) throw new CoordinatorError('NOT_FOUND', `no download ${id}`);
    const labels = isLabelsSource(v.build_id);
    // A labels version has no signed manifest: only the files its version recorded.
    if ((labels || path !== BUNDLE_MANIFEST_FILE) && !d.files.some((f) => f.path === path))
      throw new CoordinatorError('NOT_FOUND', `download ${id} has no file ${path}`);
    const abs = labels
      ? frozenFilePath(this.labelsRoot, v.id, d.files, path)
      : await this.builds.filePath(v.owner, v.build_id, path);
    await this.db.run(
      'UPDATE ds_downloads SET bytes_served = bytes_served + ?, files_served = files_served + 1 WHERE id = ?',
      [statSync(abs).size, id],
    );
    return abs;
  }

  private async downloadLines(where: string, params: (string | number)[], limit: number) {
    const rows = await this.db.all<DownloadDbRow & VersionDbRow & { download_id: string }>(
      `SELECT v.*, d.id AS download_id, d.version_id, d.customer, d.created_at, d.row_count, d.bytes, d.priced_rows,
         d.charged, d.bytes_served, d.files_served
       FROM ds_downloads d JOIN ds_versions v ON v.id = d.version_id WHERE ${where}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => {
      const { files: _files, ...line } = this.toDownload({ ...r, id: r.download_id }, r);
      return line;
    });
  }

  private toDownload(d: DownloadDbRow, v: VersionDbRow): CatalogueDownload {
    return {
      id: d.id,
      dataset: `${v.owner}/${v.name}@${v.version}`,
      kind: kindOf(v.build_id),
      customer: d.customer,
      createdAt: iso(d.created_at),
      rows: Number(d.row_count),
      bytes: Number(d.bytes),
      pricedRows: Number(d.priced_rows),
      chargedMicroUsd: Number(d.charged),
      chargedUsd: microsDecimal(Number(d.charged)),
      files: JSON.parse(v.files),
      warning:
        v.deprecated_at === null
          ? null
          : `${v.owner}/${v.name}@${v.version} is deprecated (${iso(v.deprecated_at)}): ${v.deprecation_reason}`,
      bytesServed: Number(d.bytes_served),
      filesServed: Number(d.files_served),
    };
  }

  private async visibleRow(
    ex: SqlExecutor,
    tenant: string,
    owner: string,
    name: string,
    version: string,
  ): Promise<VersionDbRow> {
    const v = await ex.get<VersionDbRow>(
      `SELECT v.* FROM ds_versions v WHERE v.owner = ? AND v.name = ? AND v.version = ? AND ${VISIBLE}`,
      [owner, name, version, tenant, tenant],
    );
    if (!v) throw new CoordinatorError('NOT_FOUND', `no dataset ${owner}/${name}@${version}`);
    return v;
  }

  private async changeRows(versionId: string, limit: number, offset = 0) {
    const rows = await this.db.all<{ url: string; change: string; before_sha: string; after_sha: string }>(
      `SELECT url, change, before_sha, after_sha FROM ds_version_changes WHERE version_id = ? AND seq >= ?
       ORDER BY seq LIMIT ?`,
      [versionId, offset, limit],
    );
    return rows.map((r) => ({
      url: r.url,
      change: r.change as 'added' | 'removed' | 'changed',
      before: r.before_sha ? r.before_sha.split(',') : [],
      after: r.after_sha ? r.after_sha.split(',') : [],
    }));
  }

  private async toVersion(v: VersionDbRow, viewer: string, withRows: boolean): Promise<CatalogueVersion> {
    const own = v.owner === viewer;
    const tenants = own
      ? (
          await this.db.all<{ tenant_id: string }>(
            'SELECT tenant_id FROM ds_version_tenants WHERE version_id = ? ORDER BY tenant_id',
            [v.id],
          )
        ).map((r) => r.tenant_id)
      : [];
    const changes = v.changes
      ? {
          ...(JSON.parse(v.changes) as Omit<NonNullable<CatalogueVersion['changes']>, 'rows'>),
          rows: withRows ? await this.changeRows(v.id, CHANGES_SHOWN) : [],
        }
      : null;
    return {
      id: `${v.owner}/${v.name}@${v.version}`,
      owner: v.owner,
      name: v.name,
      version: v.version,
      description: v.description,
      visibility: v.visibility,
      tenants,
      kind: kindOf(v.build_id),
      build: own && !isLabelsSource(v.build_id) ? v.build_id : null,
      project: own && isLabelsSource(v.build_id) ? v.build_id : null,
      purpose: v.purpose,
      rows: Number(v.row_count),
      bytes: Number(v.bytes),
      files: JSON.parse(v.files),
      licenses: JSON.parse(v.licenses),
      price: JSON.parse(v.price),
      changes,
      publishedAt: iso(v.published_at),
      deprecated:
        v.deprecated_at === null ? null : { at: iso(v.deprecated_at), reason: v.deprecation_reason ?? '' },
    };
  }
}

const kindOf = (source: string): CatalogueVersion['kind'] => (isLabelsSource(source) ? 'labels' : 'dataset');

/** What one download of these rows costs: each row of a claimed domain at the terms version it recorded. */
async function priceOf(tx: SqlExecutor, rows: readonly VersionRow[]): Promise<CatalogueVersion['price']> {
  const groups = new Map<string, { domain: string; version: number; rows: number }>();
  for (const r of rows) {
    if (!r.terms) continue;
    const k = `${r.terms.domain}\n${r.terms.version}`;
    const g = groups.get(k) ?? { domain: r.terms.domain, version: r.terms.version, rows: 0 };
    g.rows++;
    groups.set(k, g);
  }
  const terms: CatalogueVersion['price']['terms'] = [];
  let micros = 0;
  let priced = 0;
  for (const g of [...groups.values()].sort((a, b) =>
    a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.version - b.version,
  )) {
    const row = await tx.get<{ terms: string }>(
      'SELECT terms FROM cr_terms WHERE domain = ? AND version = ?',
      [g.domain, g.version],
    );
    if (!row) throw new CoordinatorError('STORAGE', `no terms version ${g.version} of ${g.domain}`);
    const t = parseStoredTerms(row.terms);
    const each = splitPagePrice(t).price;
    micros += each * g.rows;
    if (each > 0) priced += g.rows;
    terms.push({ ...g, pricePer1000PagesUsd: t.pricePer1000PagesUsd });
  }
  return { pricedRows: priced, microUsd: micros, usd: microsDecimal(micros), terms };
}
