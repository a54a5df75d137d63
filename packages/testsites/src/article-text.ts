import { between, pick, prng, seedFor } from './prng.js';

// A small vocabulary keeps pages readable yet gives MinHash-style near-dup detection shared shingles to find.
const WORDS = (
  'river valley council budget harbour market school teacher library garden railway station bridge ' +
  'festival museum harvest weather storm winter summer village city mayor report study survey data ' +
  'research science energy solar wind water forest mountain coast island fishing farmers workers ' +
  'students families neighbours visitors volunteers engineers doctors nurses artists musicians ' +
  'announced reported discovered planned opened closed repaired measured expected improved reduced ' +
  'increased welcomed debated approved delayed launched restored collected published described ' +
  'new old local regional national quiet busy early late strong gentle bright careful public small ' +
  'large historic modern annual weekly rural coastal northern southern eastern western ' +
  'after before during while because although since until across along around between through ' +
  'project plan road park clinic bakery ferry tram path square hall tower canal orchard vineyard'
).split(' ');

const SECTIONS = ['world', 'science', 'culture', 'business', 'local'] as const;
export type Section = (typeof SECTIONS)[number];
export const SECTION_NAMES: readonly Section[] = SECTIONS;

const FIRST = [
  'Ada',
  'Bram',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farah',
  'Goran',
  'Hana',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
];
const LAST = [
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Novak',
  'Silva',
  'Haddad',
  'Kowalski',
  'Byrne',
  'Iyer',
];

export interface ArticleText {
  title: string;
  author: string;
  /** ISO date (day precision) the article was published. */
  date: string;
  section: Section;
  summary: string;
  paragraphs: string[];
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function sentence(rand: () => number): string {
  const n = between(rand, 8, 16);
  const words = Array.from({ length: n }, () => pick(rand, WORDS));
  return `${cap(words.join(' '))}.`;
}

/** Deterministic article content for page `n` of a site with `seed`. */
export function articleText(seed: number, n: number): ArticleText {
  const rand = prng(seedFor(seed, 'article', n));
  const title = cap(Array.from({ length: between(rand, 4, 8) }, () => pick(rand, WORDS)).join(' '));
  const paragraphs = Array.from({ length: between(rand, 4, 7) }, () =>
    Array.from({ length: between(rand, 3, 6) }, () => sentence(rand)).join(' '),
  );
  const day = new Date(Date.UTC(2024, 0, 1) + (n % 700) * 86_400_000);
  return {
    title,
    author: `${pick(rand, FIRST)} ${pick(rand, LAST)}`,
    date: day.toISOString().slice(0, 10),
    section: SECTIONS[n % SECTIONS.length] as Section,
    summary: sentence(rand),
    paragraphs,
  };
}

/**
 * A near copy: the same story lightly edited (a changed title suffix, a handful of swapped words
 * and an added correction line), as syndication or a re-post would produce. `variant` picks the edits.
 */
export function nearCopy(text: ArticleText, variant: number): ArticleText {
  const rand = prng(seedFor(variant, 'near'));
  const paragraphs = text.paragraphs.map((p, i) => {
    if (i !== variant % text.paragraphs.length) return p;
    const words = p.split(' ');
    for (let k = 0; k < 3; k++) {
      const at = Math.floor(rand() * words.length);
      words[at] = pick(rand, WORDS);
    }
    return words.join(' ');
  });
  paragraphs.push(`Correction ${variant}: an earlier version of this story misstated a date.`);
  return { ...text, title: `${text.title} (update ${variant})`, paragraphs };
}
