// `node --import ./record-loads.mjs …` writes the URL of every module the process loads, one a line, to
// the file named by SWARD_RECORD_LOADS. The lazy-loading test reads it to see what `sward --help` loads.
import { register } from 'node:module';

register(new URL('./record-loads-hooks.mjs', import.meta.url));
