import { readFile, writeFile } from 'node:fs/promises';
import { LABEL_METHODS } from '@sward/coordinator/label-methods';
import { type Command, Option } from 'commander';
import { CliError } from '../cli-error.js';

interface AggregateFlags {
  method: string;
  gold?: string;
  workers?: string;
  maxIter?: string;
}

/** Loaded by the action, so `sward --help` does not load truth inference. */
const inference = () => import('@sward/coordinator/labels');

/** `sward labels …`: crowd-label tools for the RLHF marketplace. */
export function register(program: Command): void {
  const labels = program
    .command('labels')
    .description('crowd labelling: infer true labels and worker quality');
  labels
    .command('aggregate')
    .description(
      'read task,worker,label CSV on stdin (columns in any order), write task,label,confidence CSV to stdout',
    )
    .addOption(new Option('--method <name>', 'truth-inference method').choices(LABEL_METHODS).default('ds'))
    .option('--gold <file>', 'task,label CSV of known answers: fixes those tasks and scores workers on them')
    .option('--workers <file>', 'also write worker,accuracy,answers[,gold_answers,gold_accuracy] CSV here')
    .option('--max-iter <n>', 'EM iterations at most (default: the method’s own)')
    .action(runAggregate);
}

async function runAggregate(flags: AggregateFlags): Promise<void> {
  if (process.stdin.isTTY) throw new CliError('USAGE', 'pipe task,worker,label CSV into stdin');
  const {
    aggregatedLabelsCsv,
    aggregateLabels,
    encodeGold,
    goldAccuracy,
    parseGoldCsv,
    parseLabelsCsv,
    workerQualityCsv,
  } = await inference();
  const goldMap = flags.gold ? parseGoldCsv(await readText(flags.gold)) : undefined;
  const set = parseLabelsCsv(await readStdin(), goldMap?.values());
  const gold = goldMap ? encodeGold(set, goldMap) : undefined;
  const maxIter = flags.maxIter === undefined ? undefined : Number(flags.maxIter);
  if (maxIter !== undefined && !(Number.isInteger(maxIter) && maxIter > 0)) {
    throw new CliError('USAGE', `--max-iter must be a positive integer, got "${flags.maxIter}"`);
  }
  const result = aggregateLabels(set, flags.method, { gold, ...(maxIter ? { maxIter } : {}) });
  if (flags.workers) {
    await writeFile(flags.workers, workerQualityCsv(set, result, gold ? goldAccuracy(set, gold) : undefined));
  }
  process.stdout.write(aggregatedLabelsCsv(set, result));
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const { InferenceError } = await inference();
    throw new InferenceError('BAD_INPUT', `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
