import { answerProblem, MAX_RANK_K, type TaskType } from './task-types.js';

/** One item to label: a prompt and the responses to rate, compare or rank; `gold` is its known answer. */
export interface LabelItem {
  id: string;
  prompt: string;
  responses: string[];
  gold: string | null;
}

export interface LineProblem {
  line: number;
  reason: string;
}

export const ITEM_LIMITS = {
  fileBytes: 20 * 1024 * 1024,
  lineBytes: 64 * 1024,
  items: 50_000,
  idChars: 200,
} as const;

export type ItemsParse = { ok: true; items: LabelItem[]; k: number } | { ok: false; problems: LineProblem[] };

const FIELDS: Record<TaskType, readonly string[]> = {
  rating: ['id', 'prompt', 'response', 'gold'],
  pairwise: ['id', 'prompt', 'responses', 'gold'],
  ranking: ['id', 'prompt', 'responses', 'gold'],
};

/**
 * Parses and checks a JSONL items file completely before anything is stored, so a bad file is rejected
 * whole with every problem (up to `maxProblems`) named by line. Rating lines carry `response`; pairwise
 * lines `responses` [A, B]; ranking lines `responses` of one length k (2…6). `gold` is optional: a rating
 * 1–5, "A"/"B"/"tie", or a ranking as an array of response indices best first. `requireGold` is for
 * qualification tests, where every line must have its answer.
 */
export function parseItemsJsonl(
  text: string,
  type: TaskType,
  opts: { requireGold?: boolean; maxProblems?: number } = {},
): ItemsParse {
  const max = opts.maxProblems ?? 20;
  const problems: LineProblem[] = [];
  if (Buffer.byteLength(text) > ITEM_LIMITS.fileBytes)
    return { ok: false, problems: [{ line: 0, reason: `file is over ${ITEM_LIMITS.fileBytes} bytes` }] };
  const items: LabelItem[] = [];
  const seen = new Map<string, number>();
  let k = type === 'rating' ? 1 : type === 'pairwise' ? 2 : 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length && problems.length < max; n++) {
    const raw = (lines[n] as string).replace(/\r$/, '');
    if (!raw.trim()) continue;
    const line = n + 1;
    const bad = (reason: string) => problems.push({ line, reason });
    if (Buffer.byteLength(raw) > ITEM_LIMITS.lineBytes) {
      bad(`line is over ${ITEM_LIMITS.lineBytes} bytes`);
      continue;
    }
    if (items.length >= ITEM_LIMITS.items) {
      bad(`more than ${ITEM_LIMITS.items} items`);
      break;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      bad(`not JSON: ${(e as Error).message}`);
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      bad('a line must be a JSON object');
      continue;
    }
    const o = obj as Record<string, unknown>;
    // PostgreSQL cannot store a NUL in TEXT: refused here with its line, not as a storage error later.
    if (
      Object.values(o)
        .flat()
        .some((v) => typeof v === 'string' && v.includes('\u0000'))
    ) {
      bad('NUL character not allowed');
      continue;
    }
    const unknown = Object.keys(o).filter((f) => !FIELDS[type].includes(f));
    if (unknown.length) {
      bad(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for a ${type} item`);
      continue;
    }
    if (typeof o.id !== 'string' || !o.id.trim() || o.id.length > ITEM_LIMITS.idChars) {
      bad(`"id" must be a non-empty string of at most ${ITEM_LIMITS.idChars} characters`);
      continue;
    }
    const first = seen.get(o.id);
    if (first !== undefined) {
      bad(`duplicate id "${o.id}" (first on line ${first})`);
      continue;
    }
    seen.set(o.id, line);
    if (typeof o.prompt !== 'string' || !o.prompt.trim()) {
      bad('"prompt" must be a non-empty string');
      continue;
    }
    let responses: string[];
    if (type === 'rating') {
      if (typeof o.response !== 'string' || !o.response.trim()) {
        bad('"response" must be a non-empty string');
        continue;
      }
      responses = [o.response];
    } else {
      const r = o.responses;
      if (!Array.isArray(r) || !r.every((x) => typeof x === 'string' && x.trim())) {
        bad('"responses" must be an array of non-empty strings');
        continue;
      }
      if (type === 'pairwise' && r.length !== 2) {
        bad(`"responses" must hold 2 responses for pairwise, not ${r.length}`);
        continue;
      }
      if (type === 'ranking') {
        if (r.length < 2 || r.length > MAX_RANK_K) {
          bad(`"responses" must hold 2…${MAX_RANK_K} responses for ranking, not ${r.length}`);
          continue;
        }
        if (k === 0) k = r.length;
        if (r.length !== k) {
          bad(`every ranking item must have the same number of responses: ${k} before, ${r.length} here`);
          continue;
        }
      }
      responses = r as string[];
    }
    let gold: string | null = null;
    if (o.gold !== undefined && o.gold !== null) {
      gold = Array.isArray(o.gold) ? o.gold.join(',') : String(o.gold);
      const why = answerProblem(type, k, gold);
      if (why) {
        bad(`"gold": ${why}`);
        continue;
      }
    } else if (opts.requireGold) {
      bad('"gold" (the right answer) is required here');
      continue;
    }
    items.push({ id: o.id, prompt: o.prompt, responses, gold });
  }
  if (!problems.length && !items.length) problems.push({ line: 0, reason: 'the file holds no items' });
  return problems.length ? { ok: false, problems } : { ok: true, items, k };
}
