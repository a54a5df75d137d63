import { splitPoint } from './bits.js';
import type { LeafRange } from './node-key.js';

// Both plans walk the RFC 6962 recursion (§2.1.1 PATH, §2.1.2 SUBPROOF) top-down without recursion and
// return the proof elements as leaf ranges, leaf-to-root as the RFC orders them.

/** Ranges whose hashes form the audit path of leaf `index` in a tree of `size` (0 <= index < size). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** Ranges whose hashes form the consistency proof from size m to size n (0 < m < n). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = n;
  // `whole` is the RFC's b: true while the subtree still starts at leaf 0, so its old root is known.
  let whole = true;
  while (m !== hi) {
    const k = splitPoint(hi - lo);
    if (m - lo <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
      whole = false;
    }
  }
  if (!whole) out.push([lo, hi]);
  return out.reverse();
}
