// Install size of each entry (CLI, node, SDK): the runtime dependency closure of the workspace package,
// read from this repository's node_modules (test/support/dependency-closure.ts), each third-party package
// counted once at its installed size (its files, not its own nested node_modules, which are counted as
// packages of their own), each Sward package at the unpacked size `npm pack` reports for it.
// Two figures per entry: the default install (npm installs optionalDependencies, not optional peers)
// and the full one with every optional feature (optional peers added). Apparent file sizes, as npm reports unpackedSize.
// Usage: node --import tsx bench/install-size-bench.ts [--json FILE]
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dependencyClosure, REPO } from '../test/support/dependency-closure.js';
import { machineFacts } from './support-proc.js';

const ENTRIES = { CLI: 'packages/cli', node: 'packages/node', SDK: 'packages/sdk' };

function dirSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    const st = lstatSync(p);
    total += st.isDirectory() ? dirSize(p) : st.size;
  }
  return total;
}

const packed = new Map<string, number>();
function packedSize(dir: string): number {
  let size = packed.get(dir);
  if (size === undefined) {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    size = (JSON.parse(out) as { unpackedSize: number }[])[0]?.unpackedSize ?? 0;
    packed.set(dir, size);
  }
  return size;
}

const mb = (n: number) => Number((n / 1e6).toFixed(1));

function measure(entry: string, optionalPeers: boolean) {
  const closure = dependencyClosure(join(REPO, entry), { optionalPeers });
  const sizes = [...closure.values()].map((p) => ({
    name: p.json.name,
    bytes: relative(REPO, p.dir).startsWith('packages/') ? packedSize(p.dir) : dirSize(p.dir),
  }));
  const total = sizes.reduce((a, s) => a + s.bytes, 0);
  const top = sizes
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map((s) => `${s.name} ${mb(s.bytes)}`)
    .join(', ');
  return { packages: closure.size, MB: mb(total), largest: top };
}

const rows = [];
process.stderr.write(`${new Date().toISOString()} ${machineFacts()}\n`);
for (const [label, dir] of Object.entries(ENTRIES)) {
  rows.push({ entry: label, install: 'default', ...measure(dir, false) });
  rows.push({ entry: label, install: 'every optional feature', ...measure(dir, true) });
}
console.table(rows);
const i = process.argv.indexOf('--json');
if (i > 0) writeFileSync(process.argv[i + 1] as string, JSON.stringify(rows, null, 2));
