import { type Json, type JsonObject, jsonName } from './json-ld.js';

// The page's own structured data (schema.org JSON-LD) for the kinds people build datasets from, kept as
// plain, size-bounded fields: a product's name, price and rating, a thread's posts, a list's items, FAQ
// answers and HowTo steps. Only the fields listed here are copied (a page's JSON-LD can be megabytes of
// tracking data), strings are cut to MAX_STRING, lists to MAX_ITEMS.

const MAX_STRING = 2000;
const MAX_ITEMS = 100;

export interface StructuredOffer {
  price: string | null;
  priceCurrency: string | null;
  availability: string | null;
  url: string | null;
}
export interface StructuredReview {
  author: string | null;
  rating: number | null;
  body: string | null;
  date: string | null;
}
export interface StructuredProduct {
  name: string | null;
  description: string | null;
  sku: string | null;
  brand: string | null;
  offers: StructuredOffer[];
  rating: { value: number | null; count: number | null } | null;
  reviews: StructuredReview[];
}
export interface StructuredPost {
  headline: string | null;
  author: string | null;
  date: string | null;
  text: string | null;
  comments: { author: string | null; date: string | null; text: string | null }[];
}
export interface StructuredData {
  products: StructuredProduct[];
  posts: StructuredPost[];
  /** ItemList entries: name and URL of each item, in the list's order. */
  itemLists: { name: string | null; items: { name: string | null; url: string | null }[] }[];
  faq: { question: string; answer: string }[];
  howTo: { name: string | null; steps: string[] }[];
  /** Standalone Review objects (reviews inside a Product are under products[].reviews). */
  reviews: StructuredReview[];
}

const types = (o: JsonObject): string[] => {
  const t = o['@type'];
  const list = Array.isArray(t) ? t : [t];
  return list
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.replace(/^https?:\/\/schema\.org\//, ''));
};
const is = (o: JsonObject, re: RegExp) => types(o).some((t) => re.test(t));

const str = (v: Json | undefined): string | null => {
  const s = typeof v === 'number' ? String(v) : jsonName(v);
  if (!s) return null;
  return s.length > MAX_STRING ? s.slice(0, MAX_STRING) : s;
};
const num = (v: Json | undefined): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};
const list = (v: Json | undefined): Json[] =>
  (v == null ? [] : Array.isArray(v) ? v : [v]).slice(0, MAX_ITEMS);
const objs = (v: Json | undefined): JsonObject[] =>
  list(v).filter((x): x is JsonObject => !!x && typeof x === 'object' && !Array.isArray(x));
/** A text field that may be plain or an object with `text` (Answer, HowToStep). */
const textOf = (v: Json | undefined): string | null => {
  if (v && typeof v === 'object' && !Array.isArray(v)) return str(v.text ?? v.name);
  return str(v);
};

function review(o: JsonObject): StructuredReview {
  const r = objs(o.reviewRating)[0];
  return {
    author: str(o.author),
    rating: r ? num(r.ratingValue) : null,
    body: str(o.reviewBody ?? o.description),
    date: str(o.datePublished),
  };
}

function offers(v: Json | undefined): StructuredOffer[] {
  const out: StructuredOffer[] = [];
  for (const o of objs(v)) {
    // AggregateOffer carries lowPrice; nested offers are listed too
    if (o.offers) out.push(...offers(o.offers));
    out.push({
      price: str(o.price ?? o.lowPrice),
      priceCurrency: str(o.priceCurrency),
      availability: str(o.availability)?.replace(/^https?:\/\/schema\.org\//, '') ?? null,
      url: str(o.url),
    });
  }
  return out.slice(0, MAX_ITEMS);
}

function post(o: JsonObject): StructuredPost {
  return {
    headline: str(o.headline ?? o.name),
    author: str(o.author),
    date: str(o.datePublished),
    text: str(o.text ?? o.articleBody),
    comments: [...objs(o.comment), ...objs(o.suggestedAnswer), ...objs(o.acceptedAnswer)].map((c) => ({
      author: str(c.author),
      date: str(c.datePublished),
      text: str(c.text),
    })),
  };
}

/** The structured fields of the page's JSON-LD objects (as flattened by jsonLdObjects). */
export function structuredData(ld: JsonObject[]): StructuredData {
  const out: StructuredData = { products: [], posts: [], itemLists: [], faq: [], howTo: [], reviews: [] };
  for (const o of ld) {
    if (is(o, /^(Product|ProductGroup|IndividualProduct)$/)) {
      const ar = objs(o.aggregateRating)[0];
      out.products.push({
        name: str(o.name),
        description: str(o.description),
        sku: str(o.sku),
        brand: str(o.brand),
        offers: offers(o.offers),
        rating: ar ? { value: num(ar.ratingValue), count: num(ar.reviewCount ?? ar.ratingCount) } : null,
        reviews: objs(o.review).map(review),
      });
    } else if (is(o, /^(DiscussionForumPosting|SocialMediaPosting|Question)$/)) out.posts.push(post(o));
    else if (is(o, /^QAPage$/)) for (const q of objs(o.mainEntity)) out.posts.push(post(q));
    else if (is(o, /^ItemList$/)) {
      out.itemLists.push({
        name: str(o.name),
        items: objs(o.itemListElement).map((it) => {
          const inner = objs(it.item)[0];
          return { name: str(it.name ?? inner?.name), url: str(it.url ?? inner?.url ?? inner?.['@id']) };
        }),
      });
    } else if (is(o, /^FAQPage$/)) {
      for (const q of objs(o.mainEntity)) {
        const question = str(q.name);
        const answer = textOf(q.acceptedAnswer) ?? textOf(q.suggestedAnswer);
        if (question && answer) out.faq.push({ question, answer });
      }
    } else if (is(o, /^HowTo$/)) {
      const steps: string[] = [];
      for (const st of list(o.step)) {
        if (st && typeof st === 'object' && !Array.isArray(st) && is(st, /^HowToSection$/)) {
          for (const sub of list(st.itemListElement)) {
            const t = textOf(sub);
            if (t) steps.push(t);
          }
        } else {
          const t = textOf(st);
          if (t) steps.push(t);
        }
      }
      out.howTo.push({ name: str(o.name), steps: steps.slice(0, MAX_ITEMS) });
    } else if (is(o, /^Review$/)) out.reviews.push(review(o));
    if (out.products.length + out.posts.length + out.itemLists.length > MAX_ITEMS) break;
  }
  return out;
}

/** True when nothing was found (the document then carries `structured: null`). */
export const isEmptyStructured = (s: StructuredData): boolean =>
  !s.products.length &&
  !s.posts.length &&
  !s.itemLists.length &&
  !s.faq.length &&
  !s.howTo.length &&
  !s.reviews.length;
