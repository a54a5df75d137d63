export * from './anchor/index.js';
export * from './api/app.js';
export { checkNewKey, keyInfo } from './api/key-routes.js';
export * from './blob/blob-store.js';
export * from './collections/index.js';
export * from './creators/index.js';
export * from './errors.js';
export * from './labelling/index.js';
export * from './labels/inference/index.js';
export * from './open-store.js';
export * from './output/index.js';
export * from './rewards/index.js';
export * from './server.js';
export * from './spot-check/index.js';
export { type AuditEntry, type AuditRow, recordAudit } from './store/audit-store.js';
export type { ApiKeyRow, NewKey, Principal } from './store/auth-store.js';
export { isPostgresUrl } from './store/location.js';
export {
  SQLITE_CACHE_MIB_MAX,
  SQLITE_MEMORY_DEFAULTS,
  SQLITE_MMAP_MIB_MAX,
  type SqliteDriverOptions,
  type SqliteMemory,
} from './store/sqlite-driver.js';
export * from './store/store.js';
export * from './store/types.js';
