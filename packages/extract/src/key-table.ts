// An open-addressing multimap from 64-bit keys to 32-bit slots, in typed arrays:
// 12 bytes per slot at load <= 0.75, with no per-entry JS objects (a Map of bigint
// keys costs ~10x that). Hand-written because no npm package offers a compact 64-bit multimap.

export class KeyTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Int32Array; // slot + 1; 0 = empty
  private count = 0;

  constructor(capacity = 1024) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.val.byteLength;
  }

  add(key: bigint, slot: number): void {
    if ((this.count + 1) * 4 > this.val.length * 3) this.grow(); // load <= 0.75
    this.put(Number(key >> 32n) >>> 0, Number(key & 0xffffffffn) >>> 0, slot + 1);
    this.count++;
  }

  /** Every slot stored under `key` (in insertion order of their probe positions). */
  get(key: bigint): number[] {
    const h = Number(key >> 32n) >>> 0;
    const l = Number(key & 0xffffffffn) >>> 0;
    const mask = this.val.length - 1;
    const out: number[] = [];
    for (let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask; this.val[i] !== 0; i = (i + 1) & mask) {
      if (this.hi[i] === h && this.lo[i] === l) out.push((this.val[i] as number) - 1);
    }
    return out;
  }

  private put(h: number, l: number, v: number): void {
    const mask = this.val.length - 1;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    while (this.val[i] !== 0) i = (i + 1) & mask;
    this.hi[i] = h;
    this.lo[i] = l;
    this.val[i] = v;
  }

  private grow(): void {
    const { hi, lo, val } = this;
    const cap = val.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap);
    for (let i = 0; i < val.length; i++)
      if (val[i] !== 0) this.put(hi[i] as number, lo[i] as number, val[i] as number);
  }
}
