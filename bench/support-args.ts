// One reading of a bench's `--name value` options, where each bench wrote the same four lines.

/** The value after `--name` in `args` (the command line's own by default), or `dflt` when it is absent. */
export function benchOption(
  name: string,
  dflt: string,
  args: readonly string[] = process.argv.slice(2),
): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
}
