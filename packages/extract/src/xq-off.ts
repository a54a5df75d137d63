// THROW-AWAY (xq ablation switches; not to be committed)
const g = globalThis as unknown as {
  __xq?: { off: Set<string>; on: Set<string>; num: Map<string, number>; seen: Set<string> };
};
g.__xq ??= {
  off: new Set((process.env.XQOFF ?? '').split(',').filter(Boolean)),
  on: new Set((process.env.XQON ?? '').split(',').filter(Boolean)),
  num: new Map(
    Object.entries(process.env)
      .filter(([k]) => k.startsWith('XQP_'))
      .map(([k, v]) => [k.slice(4), Number(v)]),
  ),
  seen: new Set(),
};
const X = g.__xq;
export const off = (name: string): boolean => {
  X.seen.add(name);
  return X.off.has(name);
};
export const on = (name: string): boolean => X.on.has(name);
export const num = (name: string, d: number): number => {
  X.seen.add(`num:${name}`);
  return X.num.get(name) ?? d;
};
