import { configureNodeCommand, type NodeCommandIo } from '@sward/node/command';
import type { Command } from 'commander';
import { addNodeStatusCommand } from './rewards.js';

/** `sward node`: the node package's own command (also its `sward-node` bin), plus `sward node status`. */
export function register(program: Command, io?: NodeCommandIo): void {
  addNodeStatusCommand(configureNodeCommand(program.command('node'), io));
}
