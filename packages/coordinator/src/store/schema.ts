/**
 * Schema shared by both backends. Times are epoch milliseconds (BIGINT). The few dialect differences
 * (auto ids, binary type) are substituted below so one text describes both.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE TABLE IF NOT EXISTS nodes (
  id TEXT PRIMARY KEY, operator TEXT, fingerprint TEXT, version TEXT, created_at BIGINT NOT NULL,
  last_seen BIGINT, last_ip TEXT, revoked_at BIGINT, credibility DOUBLE PRECISION NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS challenges (nonce TEXT PRIMARY KEY, node_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, node_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
-- Web Bot Auth keys delegated to nodes: the private half is derived from the network secret and the id.
CREATE TABLE IF NOT EXISTS bot_keys (
  id TEXT PRIMARY KEY, node_id TEXT NOT NULL, keyid TEXT NOT NULL, x TEXT NOT NULL,
  not_before BIGINT NOT NULL, not_after BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS bot_keys_not_after ON bot_keys (not_after);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, api_key_id TEXT, seed TEXT NOT NULL, options TEXT NOT NULL, state TEXT NOT NULL,
  stored INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, finished_at BIGINT, collection_id TEXT);
CREATE TABLE IF NOT EXISTS hosts (
  origin TEXT PRIMARY KEY, busy_until BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL DEFAULT 0,
  robots_state TEXT NOT NULL DEFAULT 'unknown', robots_txt TEXT, robots_status INTEGER,
  tdmrep_state TEXT NOT NULL DEFAULT 'unknown', tdmrep TEXT, policy_at BIGINT,
  tdmrep_at BIGINT, robots_doc BIGINT, tdmrep_doc BIGINT);
CREATE TABLE IF NOT EXISTS urls (
  id @AUTO_ID, job_id TEXT NOT NULL, url TEXT NOT NULL, origin TEXT NOT NULL, kind TEXT NOT NULL,
  depth INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, detail TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  not_before BIGINT NOT NULL DEFAULT 0, lease_id TEXT, leased_to TEXT, lease_deadline BIGINT, avoid_node TEXT,
  capture_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, robots_doc BIGINT, tdmrep_doc BIGINT,
  refused_until BIGINT, UNIQUE (job_id, kind, url));
-- A claim reads an origin's queued URLs shallowest first (FrontierStore.queuedAt): in this order, it stops at its
-- LIMIT instead of reading and sorting every queued URL of the origin (urls_claim, on not_before, did: ~1.5 ms
-- a claim with 1,400 queued, growing with the frontier). not_before last: readyHosts' EXISTS filters on it in
-- the index. urls_claim is dropped where an older version made it (one index to keep up, not two).
CREATE INDEX IF NOT EXISTS urls_queue ON urls (state, origin, depth, id, not_before);
DROP INDEX IF EXISTS urls_claim;
CREATE INDEX IF NOT EXISTS urls_job_state ON urls (job_id, state);
-- Spot checks by state and age: the queued ones SpotChecks.endNotRun ends and FrontierStore.readiness counts.
-- Partial, so a page's row never enters it. Kind and state lead so that SQLite, without statistics, prefers it
-- to urls_queue (state=?), which would walk every queued page.
CREATE INDEX IF NOT EXISTS urls_checks ON urls (kind, state, created_at) WHERE kind = 'spotcheck';
CREATE UNIQUE INDEX IF NOT EXISTS urls_lease ON urls (lease_id);
-- The nodes that refused a URL by their operator's rules (FrontierStore.handBack): none is offered it again before
-- its refusal's expires_at (refused_at + refusalTtlMs). urls.refused_until is the latest expires_at of the URL's
-- refusals: a claim reads this table only for a URL refused within that time, never for the rest of the frontier.
CREATE TABLE IF NOT EXISTS url_refusals (
  url_id BIGINT NOT NULL, node_id TEXT NOT NULL, reason TEXT NOT NULL, refused_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL, PRIMARY KEY (url_id, node_id));
CREATE INDEX IF NOT EXISTS url_refusals_expires ON url_refusals (expires_at);
-- Nodes, operators and networks kept off an origin (FrontierStore.keepFromHost, keys as url_refusals'): a node that
-- let a lease lapse held the origin busy a lease length for nothing. hosts.kept_until is the latest expires_at: a
-- claim reads this table only for origins kept from someone lately.
CREATE TABLE IF NOT EXISTS host_refusals (
  origin TEXT NOT NULL, node_key TEXT NOT NULL, reason TEXT NOT NULL, refused_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL, PRIMARY KEY (origin, node_key));
CREATE INDEX IF NOT EXISTS host_refusals_expires ON host_refusals (expires_at);
-- Who failed to fetch a page or feed (a failure report, a lease let lapse) and how (store/page-failures.ts): a page
-- fails for good only on the word of independent witnesses (another operator, another network).
CREATE TABLE IF NOT EXISTS url_failures (
  url_id BIGINT NOT NULL, node_id TEXT NOT NULL, operator TEXT NOT NULL, network TEXT, code TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS url_failures_url ON url_failures (url_id);
CREATE TABLE IF NOT EXISTS captures (
  seq @AUTO_ID, id TEXT NOT NULL UNIQUE, job_id TEXT NOT NULL, url_id BIGINT NOT NULL, node_id TEXT NOT NULL, lease_id TEXT NOT NULL,
  requested_url TEXT NOT NULL, final_url TEXT NOT NULL, status INTEGER NOT NULL, content_type TEXT,
  body_sha256 TEXT NOT NULL, body_length BIGINT NOT NULL, fetched_at BIGINT NOT NULL, signed TEXT NOT NULL,
  outcome TEXT NOT NULL, reason TEXT, leaf_index BIGINT, flagged INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS captures_job ON captures (job_id, outcome, seq);
-- An operator's recent fetches (GET /v1/rewards/node/fetches), newest first per node.
CREATE INDEX IF NOT EXISTS captures_node ON captures (node_id, seq);
-- One crawl never stores a page twice, even when two URLs redirect to the same final URL.
CREATE UNIQUE INDEX IF NOT EXISTS captures_stored_once ON captures (job_id, final_url) WHERE outcome = 'stored';
CREATE INDEX IF NOT EXISTS captures_unsequenced ON captures (seq) WHERE leaf_index IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS captures_leaf ON captures (leaf_index);
-- Archive reuse (--max-age): the URL rows a job settled with another job's stored capture instead of a fetch.
CREATE TABLE IF NOT EXISTS job_reuses (
  job_id TEXT NOT NULL, capture_id TEXT NOT NULL, url_id BIGINT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, capture_id));
CREATE INDEX IF NOT EXISTS job_reuses_capture ON job_reuses (capture_id);
CREATE INDEX IF NOT EXISTS captures_requested ON captures (requested_url, fetched_at);
-- Every answer (or failure) for a policy file: what the policy decisions of urls.robots_doc/tdmrep_doc rest on.
CREATE TABLE IF NOT EXISTS policy_docs (
  id @AUTO_ID, origin TEXT NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL, capture_id TEXT, status INTEGER,
  body_sha256 TEXT, body TEXT, state TEXT NOT NULL, detail TEXT, fetched_at BIGINT NOT NULL);
-- RSL licences are looked up by their URL (policy-docs.ts latestLicences).
CREATE INDEX IF NOT EXISTS policy_docs_url ON policy_docs (url, kind);
CREATE TABLE IF NOT EXISTS documents (
  capture_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, doc TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_job ON documents (job_id);
-- Stored HTML pages whose document the extraction workers have still to make (ingest/extraction-pool.ts).
CREATE TABLE IF NOT EXISTS extract_queue (
  capture_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, claimed_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS extract_queue_job ON extract_queue (job_id);
CREATE TABLE IF NOT EXISTS spot_checks (
  id @AUTO_ID, capture_id TEXT NOT NULL, round INTEGER NOT NULL, checker_node TEXT NOT NULL,
  check_capture_id TEXT NOT NULL, agrees INTEGER NOT NULL, similarity DOUBLE PRECISION NOT NULL,
  charged_node TEXT, credited_node TEXT, created_at BIGINT NOT NULL, outcome TEXT);
-- outcome: NULL for a check judged (agrees, charged_node, credited_node say how), 'spot_check_not_run' for one
-- no node took in time (spot-checks.ts endNotRun).
CREATE INDEX IF NOT EXISTS spot_checks_capture ON spot_checks (capture_id);
CREATE INDEX IF NOT EXISTS spot_checks_charged ON spot_checks (charged_node);
CREATE INDEX IF NOT EXISTS spot_checks_credited ON spot_checks (credited_node);
-- Spot-check sampling keys, one per epoch: secret until revealed (spot-check/sample-keys.ts), shared by replicas.
CREATE TABLE IF NOT EXISTS spot_check_keys (
  epoch BIGINT PRIMARY KEY, secret TEXT NOT NULL, commitment TEXT NOT NULL, rate DOUBLE PRECISION NOT NULL,
  starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, statement TEXT NOT NULL, created_at BIGINT NOT NULL);
-- Each stored capture's draw: the epoch whose key decided, and whether it was selected (audited from the key).
CREATE TABLE IF NOT EXISTS spot_check_draws (
  capture_id TEXT PRIMARY KEY, epoch BIGINT NOT NULL, selected INTEGER NOT NULL);
-- WITHOUT ROWID on SQLite: a proof reads each node through its primary key only, one B-tree instead of two.
CREATE TABLE IF NOT EXISTS log_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash @BLOB NOT NULL, PRIMARY KEY (level, idx))@WITHOUT_ROWID;
CREATE TABLE IF NOT EXISTS log_state (id INTEGER PRIMARY KEY, size BIGINT NOT NULL, root @BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (
  size BIGINT PRIMARY KEY, note TEXT NOT NULL, hash TEXT NOT NULL, created_at BIGINT NOT NULL, anchor TEXT);
`;

export function schemaFor(dialect: 'sqlite' | 'postgres'): string {
  return dialect === 'sqlite'
    ? SCHEMA.replaceAll('@WITHOUT_ROWID', ' WITHOUT ROWID')
        .replaceAll('@AUTO_ID', 'INTEGER PRIMARY KEY')
        .replaceAll('DOUBLE PRECISION', 'REAL')
        .replaceAll('@BLOB', 'BLOB')
    : SCHEMA.replaceAll('@WITHOUT_ROWID', '')
        .replaceAll('@AUTO_ID', 'BIGSERIAL PRIMARY KEY')
        .replaceAll('@BLOB', 'BYTEA');
}
