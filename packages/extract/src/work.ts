// A count of the tree steps extraction takes (nodes visited by its walks, ancestors climbed), so tests can
// hold the algorithm to linear work on pathological pages without timing anything: time depends on the
// machine's load, this count does not. Incrementing a number costs nothing next to the visit itself.

export const work = { steps: 0 };

/** Counts `n` steps. */
export function step(n = 1): void {
  work.steps += n;
}
