// Counting 32-bit keys in an open-addressing table of typed arrays. The n-gram repetition signals count
// up to a million hashes per page; a Map<number, number> boxes every key above 2^30 as a heap number,
// and on a big page the garbage collector then costs as much as the counting (measured: a 1.5 MB table
// page spent 23 % of its time in GC).

export class U32Counts {
  private keys: Uint32Array;
  private counts: Uint32Array;
  private mask: number;

  /** Room for `n` distinct keys without growing. */
  constructor(n: number) {
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.counts = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** Adds one to `key`'s count and returns the new count. */
  add(key: number): number {
    const k = key >>> 0;
    let i = Math.imul(k, 0x9e3779b1) >>> 0;
    for (;;) {
      i &= this.mask;
      const c = this.counts[i] as number;
      if (c === 0) {
        this.keys[i] = k;
        this.counts[i] = 1;
        return 1;
      }
      if (this.keys[i] === k) {
        this.counts[i] = c + 1;
        return c + 1;
      }
      i++;
    }
  }
}
