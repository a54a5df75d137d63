/**
 * Whether a --db location is a PostgreSQL URL, as the coordinator's store decides it (its store/location.ts;
 * the scheme case-insensitive). Kept here, free of imports, for the modules every command loads (options,
 * cli-error): importing it from @sward/coordinator would load the coordinator for `sward --help`.
 */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);
