// Node 20's optimised URL.canParse against `new URL` on random URLs with Latin-1 characters (docs/BENCHMARKS.md,
// session 15: the fast API hands one-byte strings' bytes to the parser as UTF-8). Counts the answers that
// differ each way; run it with --no-opt to see none. core's can-parse-url.ts is the fix (not loaded here).
//   node bench/url-canparse-probe.mjs [runs=400000]
const runs = Number(process.argv[2] ?? 400_000);
const check = (s) => URL.canParse(s);
const parses = (s) => {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
};
const counts = { canParseTrueNewUrlThrows: 0, canParseFalseNewUrlParses: 0 };
const first = {};
for (let n = 0; n < runs; n++) {
  let s = n % 2 ? 'http://' : 'https://example.org/';
  for (let j = 0; j <= n % 12; j++)
    s +=
      Math.random() < 0.3
        ? String.fromCharCode(0x80 + Math.floor(Math.random() * 128))
        : 'ab.:/%-_ \t'[Math.floor(Math.random() * 10)];
  const a = check(s);
  if (a === parses(s)) continue;
  const k = a ? 'canParseTrueNewUrlThrows' : 'canParseFalseNewUrlParses';
  counts[k]++;
  first[k] ??= { call: n, url: s };
}
console.log(JSON.stringify({ node: process.version, runs, ...counts, first }));
