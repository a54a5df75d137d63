import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';
import { CoreError } from '../errors.js';
import type { NoteSigner, NoteVerifier } from '../merkle/note-keys.js';
import { signNote, verifyNote } from '../merkle/signed-note.js';

/** Where a bundle keeps its manifest: a C2SP signed note by the log's key over every other file. */
export const BUNDLE_MANIFEST_FILE = 'provenance/manifest.note';

/**
 * The note's text is one line of canonical JSON with this `type`: a checkpoint note starts with the log's
 * origin line, so neither kind of note can be taken for the other though one key signs both.
 */
export const BUNDLE_MANIFEST_TYPE = 'sward.bundle-manifest/v1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');

/** A path inside the bundle: relative, `/`-separated, no `.` or `..` segment, no empty segment. */
const bundlePath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) => p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\')),
    'expected a relative path inside the bundle',
  );

export const manifestFileSchema = z
  .object({ path: bundlePath, sha256: hex64, size: z.number().int().min(0) })
  .strict();
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const bundleManifestSchema = z
  .object({
    type: z.literal(BUNDLE_MANIFEST_TYPE),
    jobId: z.string().min(1),
    /** The job's options as the coordinator stored them, and the output options the files were made with. */
    parameters: z.object({
      job: z.record(z.string(), z.unknown()),
      output: z.record(z.string(), z.unknown()),
    }),
    /** The checkpoint every row's inclusion proof is made against. */
    checkpoint: z.object({ size: z.number().int().min(1), hash: hex64 }).strict(),
    /** Every file of the folder but the manifest itself, sorted by path. */
    files: z.array(manifestFileSchema),
  })
  .strict();
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/** Signs a manifest as a C2SP note; the files are sorted so that one set of files has one text. */
export function signBundleManifest(m: BundleManifest, signers: readonly NoteSigner[]): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return signNote(`${canonicalJson({ ...m, files })}\n`, signers);
}

/**
 * Opens a signed manifest against trusted log keys: throws CoreError (BAD_NOTE, BAD_SIGNATURE,
 * UNKNOWN_SIGNER) when no trusted key signed it, INVALID_SCHEMA when the signed text is not a manifest.
 */
export function openBundleManifest(note: string, verifiers: readonly NoteVerifier[]): BundleManifest {
  const { text } = verifyNote(note, verifiers);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CoreError('INVALID_SCHEMA', 'the signed note is not a bundle manifest (not JSON)');
  }
  const parsed = bundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new CoreError('INVALID_SCHEMA', `manifest ${i?.path.join('.') || 'text'}: ${i?.message}`);
  }
  const seen = new Set<string>();
  for (const f of parsed.data.files) {
    if (seen.has(f.path)) throw new CoreError('INVALID_SCHEMA', `manifest lists ${f.path} twice`);
    seen.add(f.path);
  }
  return parsed.data;
}
