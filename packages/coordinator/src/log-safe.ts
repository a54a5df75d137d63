/** Absolute file paths and Bearer-style secrets out of a message that may reach a log or an answer. */
export const scrub = (message: string): string =>
  message
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}/g, '<path>')
    .replace(/\b(sk|st)_[A-Za-z0-9_-]{16,}/g, '$1_<secret>');

/**
 * What a log line says of an error: its kind, code and scrubbed message. No stack (it names the
 * server's files) and nothing the error object happens to carry (a query's parameters may hold secrets).
 */
export function safeError(err: unknown): { type: string; code?: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { type: e.name, ...(typeof code === 'string' ? { code } : {}), message: scrub(e.message) };
}
