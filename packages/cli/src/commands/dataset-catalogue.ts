import { resolve } from 'node:path';
import type { CatalogueVersion } from '@sward/core';
import type { SwardClient } from '@sward/sdk';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { API_KEY_HELP, COORDINATOR_HELP, sdkClient, writeJson } from '../options.js';

/** `[owner/]name[@version]`: the owner defaults to the key's tenant. */
interface DatasetRef {
  owner: string | null;
  name: string;
  version: string | null;
}

function datasetRef(v: string): DatasetRef {
  const m =
    /^(?:([a-z0-9][a-z0-9-]{0,62})\/)?([A-Za-z0-9][A-Za-z0-9._-]{0,99})(?:@([A-Za-z0-9][A-Za-z0-9.+_-]{0,63}))?$/.exec(
      v.trim(),
    );
  if (!m) throw new InvalidArgumentError(`expected [owner/]name[@version], got "${v}"`);
  return { owner: m[1] ?? null, name: m[2] as string, version: m[3] ?? null };
}

function withVersion(v: string): DatasetRef & { version: string } {
  const r = datasetRef(v);
  if (r.version === null) throw new InvalidArgumentError(`expected name@version, got "${v}"`);
  return r as DatasetRef & { version: string };
}

const ownerOf = async (client: SwardClient, r: DatasetRef) => r.owner ?? (await client.keyIdentity()).tenant;

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** One line per version: id, rows (labels: labelled items), price, state. */
const line = (v: CatalogueVersion) =>
  `${v.id}  ${v.kind === 'labels' ? `labels  ${v.rows} items` : `${v.rows} rows`}  ${v.visibility}  ${v.price.microUsd > 0 ? `USD ${v.price.usd} a download` : 'free'}${
    v.deprecated ? `  DEPRECATED: ${v.deprecated.reason}` : ''
  }${v.description ? `  ${v.description.split('\n')[0]}` : ''}`;

function describe(v: CatalogueVersion): string {
  const out = [
    `${v.id} (${v.visibility}${v.tenants.length ? `: ${v.tenants.join(', ')}` : ''}), published ${v.publishedAt}`,
    v.description && `  ${v.description}`,
    v.deprecated && `  DEPRECATED ${v.deprecated.at}: ${v.deprecated.reason}`,
    v.kind === 'labels'
      ? `  labels: ${v.rows} labelled items, ${v.files.length} files, ${v.bytes} bytes${v.project ? `, from labelling project ${v.project}` : ''}`
      : `  ${v.rows} rows for ${v.purpose}, ${v.files.length} files, ${v.bytes} bytes${v.build ? `, from build ${v.build}` : ''}`,
    `  licences: ${
      Object.entries(v.licenses)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ') || 'none'
    }`,
    `  price per download: USD ${v.price.usd} (${v.price.pricedRows} rows under creators' terms)${v.price.terms
      .map(
        (t) =>
          `\n    ${t.domain} terms v${t.version}: ${t.rows} rows at USD ${t.pricePer1000PagesUsd} per 1,000`,
      )
      .join('')}`,
  ];
  if (v.changes) {
    const c = v.changes;
    out.push(
      `  changes since ${c.previous}: ${c.added} added, ${c.removed} removed, ${c.changed} changed, ${c.unchanged} unchanged`,
      ...c.rows.map((r) => `    ${r.change.padEnd(7)} ${r.url}`),
    );
  } else out.push('  changes: first version');
  return out.filter(Boolean).join('\n');
}

/** `sward dataset publish|list|show|deprecate|download`: the catalogue, through the SDK. */
export function registerCatalogue(dataset: Command): void {
  const remote = (c: Command) =>
    c
      .option('--coordinator <url>', COORDINATOR_HELP)
      .option('--api-key <key>', API_KEY_HELP)
      .option('--json', 'print JSON');
  remote(
    dataset
      .command('publish [build]')
      .description(
        "publish a finished build of yours (or with --project, a labelling project's export as it stands now) in the catalogue as <your tenant>/<name>@<version>",
      )
      .option('--project <id>', 'publish this labelling project of yours instead of a build (kind labels)')
      .requiredOption('--name <name>', 'the dataset name (letters, digits, ".", "_", "-")')
      .requiredOption(
        '--version <version>',
        'the version label (e.g. 1.0.0); a version never changes once published',
      )
      .option('--description <text>', 'what the dataset is', '')
      .addOption(
        new Option('--visibility <who>', 'who else may see and download it')
          .choices(['private', 'tenants', 'public'])
          .default('private'),
      )
      .option(
        '--tenants <names>',
        'with --visibility tenants: the tenants it is shared with (comma-separated)',
        list,
      ),
  ).action(async (build: string | undefined, o) => {
    if ((build === undefined) === (o.project === undefined))
      throw new InvalidArgumentError('name a dataset build or --project <labelling project id>, not both');
    const client = await sdkClient(o);
    const v = await client.publishDataset({
      ...(build === undefined ? { project: o.project } : { build }),
      name: o.name,
      version: o.version,
      description: o.description,
      visibility: o.visibility,
      ...(o.tenants ? { tenants: o.tenants } : {}),
    });
    if (o.json) writeJson(v);
    else process.stdout.write(`published ${describe(v)}\n`);
  });
  remote(
    dataset
      .command('list')
      .description('the catalogue versions you may see, newest first')
      .option('--all', 'deprecated versions too')
      .option('--owner <tenant>', 'only this owner tenant'),
  ).action(async (o) => {
    const client = await sdkClient(o);
    const vs = await client.catalogue({ deprecated: Boolean(o.all), ...(o.owner ? { owner: o.owner } : {}) });
    if (o.json) writeJson(vs);
    else process.stdout.write(`${vs.map(line).join('\n') || '(no datasets)'}\n`);
  });
  remote(
    dataset
      .command('show <dataset>')
      .description(
        'a dataset ([owner/]name: every version) or one version (name@version): files, price, changes',
      ),
  ).action(async (ref: string, o) => {
    const r = datasetRef(ref);
    const client = await sdkClient(o);
    const owner = await ownerOf(client, r);
    if (r.version === null) {
      const vs = await client.catalogueVersions(owner, r.name);
      if (o.json) writeJson(vs);
      else process.stdout.write(`${vs.map(line).join('\n')}\n`);
      return;
    }
    const v = await client.catalogueVersion(owner, r.name, r.version);
    if (o.json) writeJson(v);
    else process.stdout.write(`${describe(v)}\n`);
  });
  remote(
    dataset
      .command('deprecate <dataset>')
      .description(
        'deprecate a version of yours (name@version): still downloadable, with a warning; no longer listed',
      )
      .requiredOption('--reason <text>', 'why, shown to everyone who downloads it'),
  ).action(async (ref: string, o) => {
    const r = withVersion(ref);
    const client = await sdkClient(o);
    const v = await client.deprecateDataset(await ownerOf(client, r), r.name, r.version, o.reason);
    if (o.json) writeJson(v);
    else process.stdout.write(`deprecated ${v.id}: ${o.reason}\n`);
  });
  remote(
    dataset
      .command('download <dataset>')
      .description(
        "download a whole version (name@version) to --out, charged per its rows' creator terms; --download ID fetches an earlier download's files again at no charge",
      )
      .requiredOption('--out <dir>', 'output folder')
      .option('--max-price <usd>', 'the most this download may cost, in USD (needed for a priced version)')
      .option('--download <id>', 'fetch the files of this earlier download again (not charged again)'),
  ).action(async (ref: string, o) => {
    const client = await sdkClient(o);
    const { downloadCatalogueFiles } = await import('@sward/sdk');
    let id: string = o.download;
    if (!id) {
      const r = withVersion(ref);
      const d = await client.createCatalogueDownload(
        await ownerOf(client, r),
        r.name,
        r.version,
        o.maxPrice ? { maxPrice: o.maxPrice } : {},
      );
      id = d.id;
    }
    const d = await client.catalogueDownload(id);
    if (d.warning) process.stderr.write(`warning: ${d.warning}\n`);
    const out = await downloadCatalogueFiles(client, id, resolve(o.out));
    if (o.json) writeJson({ download: d, output: { dir: resolve(o.out), ...out } });
    else
      process.stdout.write(
        `${d.dataset}: ${d.rows} rows, ${out.files} files written to ${resolve(o.out)}; download ${d.id} charged USD ${d.chargedUsd}\n`,
      );
  });
}
