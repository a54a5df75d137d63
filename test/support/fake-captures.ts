import type { Store } from '@sward/coordinator';

/** Inserts accepted-capture rows with distinct signed text, as ingest would, without leaves yet. */
export async function insertFakeCaptures(store: Store, n: number, tag: string): Promise<void> {
  await store.db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      const id = `c_${tag}_${i}`;
      await tx.run(
        `INSERT INTO captures (id, job_id, url_id, node_id, lease_id, requested_url, final_url, status, body_sha256,
           body_length, fetched_at, signed, outcome, created_at)
         VALUES (?, 'j', 0, 'n', 'l', 'http://x/', ?, 200, 'h', 0, 0, ?, 'stored', 0)`,
        [id, `http://x/${id}`, JSON.stringify({ capture: { id }, signature: tag })],
      );
    }
  });
}
