import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { runCli } from './run-cli.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('sward')
    .description('Sward: an open, self-hostable data layer for AI')
    .version('0.1.0');
  registerCommands(program);
  await runCli(program, argv);
}
