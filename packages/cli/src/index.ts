export { main } from './main.js';
export type { RunIo } from './run-cli.js';
