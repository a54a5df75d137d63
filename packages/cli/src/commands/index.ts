import type { Command } from 'commander';
import { register as admin } from './admin.js';
import { register as collection } from './collection.js';
import { register as coordinator } from './coordinator.js';
import { register as crawl } from './crawl.js';
import { register as creator } from './creator.js';
import { register as dataset } from './dataset.js';
import { register as demo } from './demo.js';
import { register as extract } from './extract.js';
import { register as job } from './job.js';
import { register as keys } from './keys.js';
import { register as labels } from './labels.js';
import { register as node } from './node.js';
import { register as projects } from './projects.js';
import { register as rewards } from './rewards.js';
import { register as verify } from './verify.js';

/** Each command module exports `register(program)`; add one line here per module. */
export function registerCommands(program: Command): void {
  for (const register of [
    admin,
    collection,
    coordinator,
    crawl,
    creator,
    dataset,
    demo,
    extract,
    job,
    keys,
    labels,
    node,
    projects,
    rewards,
    verify,
  ])
    register(program);
}
