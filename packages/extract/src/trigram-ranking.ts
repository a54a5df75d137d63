import { data } from 'franc-min/data.js';
import { expressions } from 'franc-min/expressions.js';
import { isSpace } from './whitespace.js';

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
  /** code unit → its index + 1 in the script's alphabet (every character of its models); 0 for the rest */
  alphabet: Uint8Array;
  /** the alphabet's size + 1: a trigram of alphabet characters a, b, c has the code (a × radix + b) × radix + c */
  radix: number;
  /** open addressing, trigram code → the trigram's id + 1 (0: an empty slot); `mask` + 1 slots */
  slots: Int32Array;
  codes: Int32Array;
  mask: number;
  shift: number;
  /** the id's (language index, rank) pairs are pairs[2 × from[id] … 2 × from[id + 1]) */
  from: Int32Array;
  pairs: Int32Array;
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
    models.set(script, packModels(names, index));
  }
  return models;
}

/** The trigram → pairs index as typed arrays keyed by integer trigram codes (no string per text trigram). */
function packModels(languages: string[], index: Map<string, number[]>): ScriptModels {
  const alphabet = new Uint8Array(0x10000);
  let size = 0;
  for (const trigram of index.keys())
    for (let i = 0; i < trigram.length; i++) {
      const c = trigram.charCodeAt(i);
      if (!alphabet[c]) alphabet[c] = ++size;
    }
  // the radix must keep codes small integers, and an alphabet must fit a byte: else this script is not packed
  if (size > 254) throw new Error(`franc-min model alphabet too large (${size})`);
  const radix = size + 1;
  let bits = 4;
  while (1 << bits < index.size * 2) bits++;
  const cap = 1 << bits;
  const slots = new Int32Array(cap);
  const codes = new Int32Array(cap);
  const from = new Int32Array(index.size + 1);
  const pairs = new Int32Array([...index.values()].reduce((n, p) => n + p.length, 0));
  let id = 0;
  for (const [trigram, p] of index) {
    if (trigram.length !== 3) throw new Error(`franc-min model trigram of length ${trigram.length}`);
    const code = trigramCode(
      alphabet,
      radix,
      trigram.charCodeAt(0),
      trigram.charCodeAt(1),
      trigram.charCodeAt(2),
    );
    let s = slotOf(code, 32 - bits);
    while (slots[s]) s = (s + 1) & (cap - 1);
    slots[s] = id + 1;
    codes[s] = code;
    pairs.set(p, 2 * (from[id] as number));
    from[id + 1] = (from[id] as number) + p.length / 2;
    id++;
  }
  return { languages, alphabet, radix, slots, codes, mask: cap - 1, shift: 32 - bits, from, pairs };
}

const trigramCode = (alphabet: Uint8Array, radix: number, a: number, b: number, c: number): number =>
  ((alphabet[a] as number) * radix + (alphabet[b] as number)) * radix + (alphabet[c] as number);

const slotOf = (code: number, shift: number): number => Math.imul(code, 0x9e3779b1) >>> shift;

/** The id of the trigram `code`, or -1 when no language of the script has it. */
function trigramId(m: ScriptModels, code: number): number {
  let s = slotOf(code, m.shift);
  for (;;) {
    const id = m.slots[s] as number;
    if (id === 0) return -1;
    if (m.codes[s] === code) return id - 1;
    s = (s + 1) & m.mask;
  }
}

const und = (): Ranked => [['und', 1]];

const SCRIPTS = Object.entries(expressions);
/** code unit → 1 + index in SCRIPT_SETS of the scripts whose expression matches it alone (0: not yet asked) */
const scriptsOfUnit = new Uint16Array(0x10000);
const SCRIPT_SETS: number[][] = [];
const setIndex = new Map<string, number>();

/** The index + 1 in SCRIPT_SETS of the scripts whose expressions match the code unit `c` alone. */
function scriptSetOf(c: number): number {
  const ch = String.fromCharCode(c);
  const set: number[] = [];
  SCRIPTS.forEach(([, expression], s) => {
    expression.lastIndex = 0;
    if (expression.test(ch)) set.push(s);
    expression.lastIndex = 0;
  });
  const key = set.join();
  let k = setIndex.get(key) ?? 0;
  if (!k) {
    k = SCRIPT_SETS.push(set);
    setIndex.set(key, k);
  }
  scriptsOfUnit[c] = k;
  return k;
}

let setCounts = new Int32Array(8);

/** franc's script choice: the expression matching most characters, the first on a tie. */
function topScript(value: string): [string | undefined, number, boolean] {
  // An expression matches one code unit, or a surrogate pair: a text without surrogates is counted per
  // unit (by the set of scripts each unit's cached answer names); one with surrogates asks the
  // expressions as franc does.
  let surrogates = false;
  let units = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    units |= c;
    if (c >= 0xd800 && c <= 0xdfff) {
      surrogates = true;
      break;
    }
    const k = (scriptsOfUnit[c] as number) || scriptSetOf(c);
    if (k >= setCounts.length) {
      const grown = new Int32Array(2 * k);
      grown.set(setCounts);
      setCounts = grown;
    }
    setCounts[k] = (setCounts[k] as number) + 1;
  }
  const counts = new Int32Array(SCRIPTS.length);
  for (let k = 1; k < setCounts.length; k++) {
    const n = setCounts[k] as number;
    if (!n) continue;
    setCounts[k] = 0;
    for (const s of SCRIPT_SETS[k - 1] as number[]) counts[s] = (counts[s] as number) + n;
  }
  let topCount = -1;
  let top: string | undefined;
  SCRIPTS.forEach(([script, expression], s) => {
    const matched = surrogates ? (value.match(expression)?.length ?? 0) : (counts[s] as number);
    const count = matched / value.length || 0;
    if (count > topCount) {
      topCount = count;
      top = script;
    }
  });
  return [top, topCount, !surrogates && units < 0x80];
}

/** trigram-utils' `clean` (a leading and a trailing space added), whose trigrams franc counts. */
const cleaned = (value: string): string =>
  ` ${value
    .replace(/[\u0021-\u0040]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()} `;

// A text's trigrams counted by id (scratch grown to the largest script's trigram count, zeroed after use),
// and the distinct trigrams no language has: codes (all three characters in the alphabet) or, for those
// with a character outside it, the three code units.
let idCounts = new Int32Array(0);
let seenIds = new Int32Array(0);
let seen = 0;
let unknownCodes = 0;
let unknownUnits: Set<number> | null = null;

// The distinct unknown codes of the text being counted, in an open-addressing table kept between texts: a
// slot holds a code of this text when its stamp is this text's (so a text starts with no clearing); the
// table doubles before it is half full. Codes are below 255³ (an alphabet fits a byte).
let codeSlots = new Int32Array(1024);
let codeStamps = new Uint32Array(1024);
let stamp = 0;

/** Forgets the unknown codes counted so far. */
function newUnknownCodes(): void {
  unknownCodes = 0;
  if (++stamp > 0xffffffff) {
    codeStamps.fill(0);
    stamp = 1;
  }
}

function addUnknownCode(code: number): void {
  let mask = codeSlots.length - 1;
  let s = (Math.imul(code, 0x9e3779b1) >>> 16) & mask;
  while (codeStamps[s] === stamp) {
    if (codeSlots[s] === code) return;
    s = (s + 1) & mask;
  }
  if (2 * (unknownCodes + 1) > codeSlots.length) {
    // twice the room: this text's codes move over, the old table goes
    const slots = codeSlots;
    const stamps = codeStamps;
    codeSlots = new Int32Array(2 * slots.length);
    codeStamps = new Uint32Array(2 * slots.length);
    unknownCodes = 0;
    for (let i = 0; i < slots.length; i++) if (stamps[i] === stamp) addUnknownCode(slots[i] as number);
    mask = codeSlots.length - 1;
    s = (Math.imul(code, 0x9e3779b1) >>> 16) & mask;
    while (codeStamps[s] === stamp) s = (s + 1) & mask;
  }
  codeStamps[s] = stamp;
  codeSlots[s] = code;
  unknownCodes++;
}

function countTrigram(m: ScriptModels, a: number, b: number, c: number): void {
  const { alphabet } = m;
  if (!alphabet[a] || !alphabet[b] || !alphabet[c]) {
    unknownUnits ??= new Set();
    unknownUnits.add((a * 0x10000 + b) * 0x10000 + c);
    return;
  }
  const code = trigramCode(alphabet, m.radix, a, b, c);
  const id = trigramId(m, code);
  if (id < 0) {
    addUnknownCode(code);
    return;
  }
  const count = (idCounts[id] as number) + 1;
  idCounts[id] = count;
  if (count === 1) seenIds[seen++] = id;
}

/** How many distinct trigrams of the text counted last no language has; forgets them. */
function unknownTrigrams(): number {
  const n = unknownCodes + (unknownUnits?.size ?? 0);
  newUnknownCodes();
  unknownUnits = null;
  return n;
}

/** Counts the trigrams of `cleaned(value)` for an ASCII `value`, reading it once and building no string. */
function countAsciiTrigrams(m: ScriptModels, value: string): void {
  // the cleaned text: a space, then the runs of kept characters lowercased, one space between runs, a space
  let p2 = -1;
  let p1 = 0x20;
  let gap = false;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if ((c >= 0x21 && c <= 0x40) || isSpace(c)) {
      gap = p2 >= 0 || p1 !== 0x20;
      continue;
    }
    if (gap) {
      if (p2 >= 0) countTrigram(m, p2, p1, 0x20);
      p2 = p1;
      p1 = 0x20;
      gap = false;
    }
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (p2 >= 0) countTrigram(m, p2, p1, c);
    p2 = p1;
    p1 = c;
  }
  if (p2 >= 0) countTrigram(m, p2, p1, 0x20);
}

/**
 * The distances of the script's languages to the text: franc's sum over the text's distinct trigrams of
 * |count − rank − 1| for a language that has the trigram, MAX_DIFFERENCE for one that lacks it.
 */
function distances(m: ScriptModels, value: string, ascii: boolean): Int32Array {
  if (idCounts.length < m.from.length) {
    idCounts = new Int32Array(m.from.length);
    seenIds = new Int32Array(m.from.length);
  }
  seen = 0;
  newUnknownCodes();
  unknownUnits = null;
  if (ascii) countAsciiTrigrams(m, value);
  else {
    const padded = cleaned(value);
    for (let i = 0; i + 3 <= padded.length; i++)
      countTrigram(m, padded.charCodeAt(i), padded.charCodeAt(i + 1), padded.charCodeAt(i + 2));
  }
  const distinct = seen + unknownTrigrams();
  // every trigram costs MAX_DIFFERENCE where a language lacks it; the languages that have it get it back
  const distance = new Int32Array(m.languages.length).fill(distinct * MAX_DIFFERENCE);
  const { from, pairs } = m;
  for (let k = 0; k < seen; k++) {
    const id = seenIds[k] as number;
    const count = idCounts[id] as number;
    idCounts[id] = 0;
    for (let j = 2 * (from[id] as number), end = 2 * (from[id + 1] as number); j < end; j += 2) {
      const l = pairs[j] as number;
      distance[l] = (distance[l] as number) + Math.abs(count - (pairs[j + 1] as number) - 1) - MAX_DIFFERENCE;
    }
  }
  return distance;
}

/** Languages ranked for `text`, best first, scored 1 for the best: what franc-min's `francAll` returns. */
export function rankLanguages(text: string, minLength = 10): Ranked {
  if (!text || text.length < minLength) return und();
  const value = text.slice(0, MAX_LENGTH);
  const [script, share, ascii] = topScript(value);
  const scriptData = script === undefined ? undefined : scriptModels().get(script);
  if (script === undefined || !scriptData) return script === undefined || share === 0 ? und() : [[script, 1]];
  const distance = distances(scriptData, value, ascii);
  const ranked: Ranked = scriptData.languages.map((name, l) => [name, distance[l] as number]);
  ranked.sort((a, b) => a[1] - b[1]);
  const min = (ranked[0] as [string, number])[1];
  const max = value.length * MAX_DIFFERENCE - min;
  for (const r of ranked) r[1] = 1 - (r[1] - min) / max || 0;
  return ranked;
}
