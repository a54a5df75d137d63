// Entry of the dedicated checkpoint thread (sqlite-checkpointer.ts): the loop and nothing else, for as long
// as no thread the process has anyway runs it. Once its task ends, nothing keeps the thread alive: it exits.
import { parentPort } from 'node:worker_threads';
import { type CheckpointTask, runCheckpointTask } from './sqlite-checkpoint-task.js';

parentPort?.once('message', (m: CheckpointTask) => runCheckpointTask(m));
