/**
 * Whether a database location is a PostgreSQL URL (`postgres://…` or `postgresql://…`) rather than a SQLite
 * file path. A URL's scheme is case-insensitive (RFC 3986 §3.1) and pg reads `POSTGRES://` as any other: the
 * store, the data folder's claim and the start-up decide by this one test, so no location is opened as one
 * kind and claimed as the other.
 */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);
