import { z } from 'zod';

/**
 * W3C TDMRep (https://www.w3.org/community/reports/tdmrep/CG-FINAL-tdmrep-20240510/): a site reserves
 * text-and-data-mining rights per path in /.well-known/tdmrep.json, or per response with the
 * `tdm-reservation: 1` header. A reservation means Sward must not use the content.
 */
const ruleSchema = z.object({
  location: z.string(),
  'tdm-reservation': z.union([z.literal(0), z.literal(1)]),
  'tdm-policy': z.string().optional(),
});
export type TdmRule = z.infer<typeof ruleSchema>;

/** Parses tdmrep.json; an unparsable file is treated as no rules, as the spec gives no reservation then. */
export function parseTdmRep(text: string): TdmRule[] {
  try {
    const parsed = z.array(ruleSchema).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The spec's location is a path pattern where `*` matches any run of characters; the first match wins. */
export function tdmReserved(rules: readonly TdmRule[], url: string): boolean {
  const path = new URL(url).pathname;
  for (const rule of rules) {
    const pattern = rule.location.startsWith('/') ? rule.location : `/${rule.location}`;
    const re = new RegExp(
      `^${pattern.split('*').map(escapeRe).join('.*')}${pattern.endsWith('/') ? '' : '$'}`,
    );
    if (re.test(path)) return rule['tdm-reservation'] === 1;
  }
  return false;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function tdmHeaderReserved(value: string | undefined): boolean {
  return value?.trim() === '1';
}
