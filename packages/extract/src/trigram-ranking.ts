import { data } from 'franc-min/data.js';
import { expressions } from 'franc-min/expressions.js';

// franc-min's `francAll(value, { minLength })`, the same ranking computed with less work. franc scores a
// text against every language of its script by looking each of the text's trigrams up in each language's
// 300-trigram dictionary (an object with 300 keys): up to ~2,000 trigrams × 44 Latin languages per text,
// which was 46 % of a small article page's extraction (profile in docs/BENCHMARKS.md). Here the models are
// turned round once, trigram → (language, rank) pairs, so a text's trigram costs one Map lookup plus one add
// per language that knows it, and trigrams no language knows cost nothing. franc's models, its cleaning, its
// distance (a missing trigram costs 300, a known one |count − rank − 1|), its stable sort and its
// normalisation are kept as they are; trigram-ranking.test.ts holds the result equal to franc's own, so an
// upgrade of franc-min that changes any of them fails there.

type Ranked = [string, number][];

const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

interface ScriptModels {
  languages: string[];
  /** trigram → [language index, rank, language index, rank, …] */
  index: Map<string, number[]>;
}

let models: Map<string, ScriptModels> | null = null;

/** Built on first use, as franc builds its dictionaries: a trigram listed twice keeps its first rank. */
function scriptModels(): Map<string, ScriptModels> {
  if (models) return models;
  models = new Map();
  for (const [script, languages] of Object.entries(data)) {
    const names = Object.keys(languages);
    const index = new Map<string, number[]>();
    names.forEach((name, l) => {
      const ranks = new Map<string, number>();
      const model = (languages[name] as string).split('|');
      for (let rank = model.length - 1; rank >= 0; rank--) ranks.set(model[rank] as string, rank);
      for (const [trigram, rank] of ranks) {
        const pairs = index.get(trigram);
        if (pairs) pairs.push(l, rank);
        else index.set(trigram, [l, rank]);
      }
    });
    models.set(script, { languages: names, index });
  }
  return models;
}

const und = (): Ranked => [['und', 1]];

/** franc's script choice: the expression matching most characters, the first on a tie. */
function topScript(value: string): [string | undefined, number] {
  let topCount = -1;
  let top: string | undefined;
  for (const [script, expression] of Object.entries(expressions)) {
    const count = (value.match(expression)?.length ?? 0) / value.length || 0;
    if (count > topCount) {
      topCount = count;
      top = script;
    }
  }
  return [top, topCount];
}

/** trigram-utils' `clean` then its trigram counts (a leading and a trailing space added). */
function trigramCounts(value: string): Map<string, number> {
  const padded = ` ${value
    .replace(/[\u0021-\u0040]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    const t = padded.slice(i, i + 3);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return counts;
}

/** Languages ranked for `text`, best first, scored 1 for the best: what franc-min's `francAll` returns. */
export function rankLanguages(text: string, minLength = 10): Ranked {
  if (!text || text.length < minLength) return und();
  const value = text.slice(0, MAX_LENGTH);
  const [script, share] = topScript(value);
  const scriptData = script === undefined ? undefined : scriptModels().get(script);
  if (script === undefined || !scriptData) return script === undefined || share === 0 ? und() : [[script, 1]];
  const { languages, index } = scriptData;
  const counts = trigramCounts(value);
  // every trigram costs MAX_DIFFERENCE where a language lacks it; the languages that have it get it back
  const distance = new Array<number>(languages.length).fill(counts.size * MAX_DIFFERENCE);
  for (const [trigram, count] of counts) {
    const pairs = index.get(trigram);
    if (!pairs) continue;
    for (let i = 0; i < pairs.length; i += 2) {
      const l = pairs[i] as number;
      distance[l] = (distance[l] as number) + Math.abs(count - (pairs[i + 1] as number) - 1) - MAX_DIFFERENCE;
    }
  }
  const ranked: Ranked = languages.map((name, l) => [name, distance[l] as number]);
  ranked.sort((a, b) => a[1] - b[1]);
  const min = (ranked[0] as [string, number])[1];
  const max = value.length * MAX_DIFFERENCE - min;
  for (const r of ranked) r[1] = 1 - (r[1] - min) / max || 0;
  return ranked;
}
