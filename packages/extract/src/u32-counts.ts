// Counting 32-bit keys in an open-addressing table of typed arrays. The n-gram repetition signals count
// up to a million hashes per page; a Map<number, number> boxes every key above 2^30 as a heap number,
// and on a big page the garbage collector then costs as much as the counting (measured: a 1.5 MB table
// page spent 23 % of its time in GC). A table can be emptied and reused (`reset`), so a page's nine
// countings need not allocate nine tables.

export class U32Counts {
  private keys: Uint32Array;
  private counts: Uint32Array;
  private mask: number;

  /** Room for `n` distinct keys without growing. */
  constructor(n: number) {
    const cap = U32Counts.capacity(n);
    this.keys = new Uint32Array(cap);
    this.counts = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  private static capacity(n: number): number {
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    return cap;
  }

  /** Empties the table, with room for `n` distinct keys; returns it. */
  reset(n: number): this {
    const cap = U32Counts.capacity(n);
    if (cap > this.counts.length) {
      this.keys = new Uint32Array(cap);
      this.counts = new Uint32Array(cap);
    } else this.counts.fill(0, 0, cap);
    this.mask = cap - 1;
    return this;
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
