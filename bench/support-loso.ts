// Leave-one-site-out scoring of extraction variants (bench/loso.ts): each variant's gain over the base, summed
// per site; for each site, the variant with the best total on the OTHER sites is picked (none when no variant
// gains there: the base), and that site is scored with it. A change whose whole gain is one site's earns 0
// (nothing else argues for it); one that helps elsewhere but hurts the site left out is charged that loss.

/** Per variant, each site's summed gain over the base (the same sites in every map). */
export type SiteGains = ReadonlyMap<string, number>;

export interface LosoResult {
  /** The sum over sites of the picked variant's gain there (divide by the page count for "a page"). */
  gain: number;
  /** How many sites picked each variant (in the order given); the other sites kept the base. */
  picks: number[];
}

/** Leave-one-site-out over `variants`; ties go to the base, then to the earlier variant. */
export function losoGain(variants: readonly SiteGains[]): LosoResult {
  const total = variants.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const sites = new Set<string>();
  for (const m of variants) for (const s of m.keys()) sites.add(s);
  const picks = variants.map(() => 0);
  let gain = 0;
  for (const s of sites) {
    let best = 0;
    let pick = -1;
    variants.forEach((m, k) => {
      const other = (total[k] as number) - (m.get(s) ?? 0);
      if (other > best + 1e-12) {
        best = other;
        pick = k;
      }
    });
    if (pick < 0) continue;
    picks[pick] = (picks[pick] as number) + 1;
    gain += (variants[pick] as SiteGains).get(s) ?? 0;
  }
  return { gain, picks };
}
