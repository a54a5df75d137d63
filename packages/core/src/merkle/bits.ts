// Tree sizes and indices are JS numbers up to 2^53; the 32-bit bitwise operators would truncate them,
// so these helpers use arithmetic only.

const TWO_32 = 2 ** 32;

export function isSafeCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Number of bits needed to write n (0 for 0). */
export function bitLength(n: number): number {
  let len = 0;
  let x = n;
  if (x >= TWO_32) {
    len = 32;
    x = Math.floor(x / TWO_32);
  }
  return len + (32 - Math.clz32(x));
}

export function popCount(n: number): number {
  let count = 0;
  let x = n;
  while (x > 0) {
    count += x % 2;
    x = Math.floor(x / 2);
  }
  return count;
}

export function xor(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a % TWO_32) ^ (b % TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}

/** Trailing zero bits of n > 0. */
export function trailingZeros(n: number): number {
  let count = 0;
  let x = n;
  while (x > 0 && x % 2 === 0) {
    count++;
    x /= 2;
  }
  return count;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** (bitLength(n) - 1) === n;
}

/** Largest power of two strictly below n (n >= 2): the RFC 6962 split point k. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}
