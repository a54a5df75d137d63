import type { Command } from 'commander';

/** Each command module exports `register(program)`; add one line here per module. */
export function registerCommands(_program: Command): void {}
