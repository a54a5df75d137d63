import { createHash } from 'node:crypto';
import { startNewsSite } from '@sward/testsites';
import { compareFetches } from '../packages/coordinator/src/spot-check/compare-fetches.js';
import { tieBreak } from '../packages/coordinator/src/spot-check/spot-checks.js';
import { shingleSimilarity, visibleText } from '../packages/coordinator/src/spot-check/text-similarity.js';

interface Fetch {
  status: number;
  bodySha256: string;
  contentType: string | null;
  body: Buffer;
}

type Kind = 'article' | 'home';

export interface FalseFlagTally {
  /** Spot-check comparisons (round 1, and round 2 where round 1 disagreed) and how many disagreed. */
  comparisons: number;
  disagreements: number;
  /** Honest fetches charged: the tie-break went against the original. */
  charged: number;
  lowest: number;
  byKind: Record<Kind, { comparisons: number; disagreements: number; charged: number }>;
}

export interface FalseFlagRun {
  /** Honest page fetches spot-checked. */
  pages: number;
  /** The coordinator's comparison and tie-break. */
  current: FalseFlagTally;
  /** Before: all visible text, and a round-2 disagreement with the original always charged it. */
  previous: FalseFlagTally;
}

async function get(url: string): Promise<Fetch> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    bodySha256: createHash('sha256').update(body).digest('hex'),
    contentType: res.headers.get('content-type'),
    body,
  };
}

const tally = (): FalseFlagTally => ({
  comparisons: 0,
  disagreements: 0,
  charged: 0,
  lowest: 1,
  byKind: {
    article: { comparisons: 0, disagreements: 0, charged: 0 },
    home: { comparisons: 0, disagreements: 0, charged: 0 },
  },
});

/**
 * Honest nodes fetching a changing news site (every answer has its render time, a request counter and a
 * rotating advertisement; between fetches articles are published and pages redesigned). Each page's first
 * fetch is spot-checked by a later fetch and, on disagreement, tie-broken by a third, with the coordinator's
 * own comparison and tie-break, and with the previous ones on the same fetches.
 */
export async function measureFalseFlags(opts: {
  articles: number;
  rounds: number;
  similarity: number;
}): Promise<FalseFlagRun> {
  const site = await startNewsSite({ articles: opts.articles, volatile: true, seed: 11 });
  const run: FalseFlagRun = { pages: 0, current: tally(), previous: tally() };
  const count = (t: FalseFlagTally, kind: Kind, agrees: boolean, similarity: number) => {
    t.comparisons++;
    t.byKind[kind].comparisons++;
    if (!agrees) {
      t.disagreements++;
      t.byKind[kind].disagreements++;
    }
    t.lowest = Math.min(t.lowest, similarity);
    return agrees;
  };
  const charge = (t: FalseFlagTally, kind: Kind) => {
    t.charged++;
    t.byKind[kind].charged++;
  };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const urls = [`${site.url}/`, ...site.articles().map((a) => a.url)];
      // What happens on a news site between an original fetch and its spot checks.
      const change = () => {
        site.addArticle();
        for (const [i, a] of site.articles().entries())
          if (i % 3 === round % 3) site.editArticle(a.id, { markupOnly: true });
      };
      const first = await Promise.all(urls.map(get));
      change();
      const second = await Promise.all(urls.map(get));
      change();
      const third = await Promise.all(urls.map(get));
      for (const i of urls.keys()) {
        const kind: Kind = i === 0 ? 'home' : 'article';
        const [orig, checker, tb] = [first[i], second[i], third[i]] as [Fetch, Fetch, Fetch];
        const now = async (a: Fetch, b: Fetch) => {
          const v = await compareFetches({ ...a, body: async () => a.body }, b, opts.similarity);
          return count(run.current, kind, v.agrees, v.similarity);
        };
        if (
          !(await now(orig, checker)) &&
          tieBreak(await now(orig, tb), await now(checker, tb)) === 'original'
        )
          charge(run.current, kind);
        const before = async (a: Fetch, b: Fetch) => {
          const s =
            a.bodySha256 === b.bodySha256
              ? 1
              : shingleSimilarity(
                  await visibleText(a.body, a.contentType),
                  await visibleText(b.body, b.contentType),
                );
          return count(run.previous, kind, s >= opts.similarity, s);
        };
        if (!(await before(orig, checker)) && !(await before(orig, tb))) charge(run.previous, kind);
        run.pages++;
      }
    }
  } finally {
    await site.close();
  }
  return run;
}
