import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { type RunIo, runCli } from './run-cli.js';

/** Runs `sward` on `argv`; `io` is where failures are told and how it leaves (the process's by default). */
export async function main(argv: string[], io?: RunIo): Promise<void> {
  const program = new Command('sward').description('Sward: an open, self-hostable data layer for AI');
  // The root's --version only before any command: commander would otherwise take a command's own --version
  // (`sward dataset publish … --version 1.0.0`) as a request for the program's.
  const first = argv[2];
  if (first === undefined || first.startsWith('-')) program.version('0.1.0');
  registerCommands(program);
  await runCli(program, argv, io);
}
