// The runtime dependency closure of a workspace package, read from the installed node_modules: what a
// user who installs that package gets. Used by the engines test and the install-size bench.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const REPO = resolve(new URL('../..', import.meta.url).pathname);

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface InstalledPackage {
  dir: string;
  json: PackageJson;
  /** The first package of the closure that pulled this one in (for error messages). */
  via: string;
  /** Reached only through an optional dependency or an optional peer somewhere on the way. */
  optional: boolean;
}

export const readPackageJson = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Node's lookup: `node_modules/<name>` in `from` and each folder above it. */
function resolvePackage(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Every package `npm install <root>` would bring, found where the repository's install put it.
 * Dependencies and required peers always; optionalDependencies unless `omitOptional` (npm installs them
 * by default); optional peers only with `optionalPeers` (npm never installs them by itself: they are the
 * features a user adds). A required dependency that is not installed throws.
 */
export function dependencyClosure(
  rootDir: string,
  opts: { omitOptional?: boolean; optionalPeers?: boolean } = {},
): Map<string, InstalledPackage> {
  const seen = new Map<string, InstalledPackage>();
  const rootJson = readPackageJson(rootDir);
  const queue: { dir: string; via: string; optional: boolean }[] = [
    { dir: realpathSync(rootDir), via: rootJson.name, optional: false },
  ];
  while (queue.length) {
    const { dir, via, optional } = queue.shift() as { dir: string; via: string; optional: boolean };
    const prior = seen.get(dir);
    if (prior && (!prior.optional || optional)) continue;
    const json = readPackageJson(dir);
    seen.set(dir, { dir, json, via, optional });
    const peerOptional = (n: string) => json.peerDependenciesMeta?.[n]?.optional === true;
    const wanted: [string, boolean][] = [
      ...Object.keys(json.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(json.peerDependencies ?? {})
        .filter((n) => opts.optionalPeers || !peerOptional(n))
        .map((n): [string, boolean] => [n, peerOptional(n)]),
      ...(opts.omitOptional ? [] : Object.keys(json.optionalDependencies ?? {})).map(
        (n): [string, boolean] => [n, true],
      ),
    ];
    for (const [name, isOptional] of wanted) {
      const found = resolvePackage(name, dir);
      if (!found) {
        if (isOptional) continue; // an optional dependency for another platform, say
        throw new Error(`${json.name} depends on ${name}, which is not installed (from ${dir})`);
      }
      queue.push({
        dir: found,
        via: dir === realpathSync(rootDir) ? name : via,
        optional: optional || isOptional,
      });
    }
  }
  return seen;
}
