// `node --import ./tiering-probe.mjs …` into a command that ends with process.exit: just before it exits,
// a function of ~3 KiB of bytecode is called until TurboFan optimises it (V8 decides by itself, as for the
// coordinator's own functions), and whether it was optimised is written to the file named by
// SWARD_PROBE_OUT ("optimised" or "not optimised"). V8 skips functions whose bytecode is longer than
// --max-optimized-bytecode-size: so this tells whether the process runs with a limit under ~3 KiB.
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

const out = process.env.SWARD_PROBE_OUT;
const exit = process.exit.bind(process);
process.exit = (code) => {
  setFlagsFromString('--allow-natives-syntax');
  // 300 statements of ~10 bytes of bytecode each; the intrinsic is read when this source is parsed
  const body = Array.from({ length: 300 }, (_, i) => `x = (x * 31 + ${i}) % 1000003;`).join('\n');
  const big = new Function('x', `${body}\nreturn x;`);
  const optimised = new Function('f', 'return (%GetOptimizationStatus(f) & 16) !== 0;');
  let x = 1;
  let done = false;
  const deadline = Date.now() + 5_000;
  // concurrent compiles finish on V8's threads and install on a later call: keep calling for a while
  const spin = () => {
    for (let i = 0; i < 2000; i++) x = big(x);
    done = optimised(big);
    if (done || Date.now() > deadline) {
      writeFileSync(out, done ? 'optimised' : 'not optimised');
      exit(code);
    } else setImmediate(spin);
  };
  spin();
};
