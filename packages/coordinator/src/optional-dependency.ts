// Heavy optional features (local embeddings, Solana anchoring, the HNSW graph) live in packages that are
// optional peer dependencies: a plain install does not bring them, and they are imported on first use.
// When one is missing, the error says which feature needs which package and how to add it.

/** How a package is imported; tests pass one that fails. */
export type Importer = (specifier: string) => Promise<unknown>;

export const defaultImporter: Importer = (specifier) => import(specifier);

export class OptionalDependencyError extends Error {
  override readonly name = 'OptionalDependencyError';
  readonly code = 'MISSING_DEPENDENCY';
  constructor(
    readonly packageName: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(missingDependencyMessage(packageName, feature), options);
  }
}

export function missingDependencyMessage(packageName: string, feature: string): string {
  return `${feature} need ${packageName}, which is not installed: npm install ${packageName}`;
}

/** Node's "no such package" for `import()` (ERR_MODULE_NOT_FOUND) and `require()` (MODULE_NOT_FOUND). */
export function isModuleNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports an optional package; a missing one becomes an OptionalDependencyError, anything else is rethrown. */
export async function importOptional<T>(
  packageName: string,
  feature: string,
  importer: Importer = defaultImporter,
): Promise<T> {
  try {
    return (await importer(packageName)) as T;
  } catch (e) {
    if (isModuleNotFound(e)) throw new OptionalDependencyError(packageName, feature, { cause: e });
    throw e;
  }
}
