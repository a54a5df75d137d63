import { attr, collapse, type Document, type Element, elements, textOf } from './dom.js';
import { ITEM_ROWS, itemRows } from './item-rows.js';
import type { JsonObject } from './json-ld.js';

// Which kind of page this is, from what the page says about itself (schema.org types in JSON-LD and
// microdata, Open Graph) and from its shape (forum post blocks, repeated item cards, prices and carts,
// documentation sidebars, the URL's path). Each signal adds evidence to one type; the type with the most
// wins, and the confidence is its share of all evidence (with a floor of evidence, so a page with one weak
// hint is not "certain"). Rules tuned on WCXB's development split only.

export const PAGE_TYPES = [
  'article',
  'forum',
  'product',
  'listing',
  'collection',
  'documentation',
  'service',
] as const;
export type PageTypeName = (typeof PAGE_TYPES)[number];

export interface PageType {
  type: PageTypeName;
  /** 0..1: the winning type's share of the evidence found. */
  confidence: number;
  /** What pointed where, e.g. "json-ld:Product", "url:/t/", "posts:12". */
  signals: string[];
}

type Scores = Record<PageTypeName, number>;

// schema.org types (JSON-LD @type or microdata itemtype) and what each says about the page
const SCHEMA_TYPES: [RegExp, PageTypeName, number][] = [
  [/^(DiscussionForumPosting|QAPage|Question|SocialMediaPosting)$/, 'forum', 6],
  [/^(Product|ProductGroup|IndividualProduct|Offer|AggregateOffer)$/, 'product', 5],
  [/^(ItemList|SearchResultsPage)$/, 'listing', 2],
  [/^(CollectionPage|OfferCatalog)$/, 'collection', 3],
  [/^(TechArticle|APIReference|SoftwareSourceCode)$/, 'documentation', 4],
  [/^(Service|ProfessionalService|LocalBusiness|FAQPage|HowTo|MedicalBusiness|LegalService)$/, 'service', 2],
  [
    /^(Article|NewsArticle|BlogPosting|Report|ScholarlyArticle|OpinionNewsArticle|ReportageNewsArticle)$/,
    'article',
    4,
  ],
];

const PATH_RULES: [RegExp, PageTypeName, number][] = [
  [
    /\/(t|d|threads?|forums?|viewtopic|showthread|comments|questions|discussion|community)[/.?-]/i,
    'forum',
    3,
  ],
  // a thread's address numbers it (Invision "/topic/188682-title/", NodeBB "/topic/18427/title"); a news
  // site's "/topic/headphones" is its index of stories on one subject
  [/\/topics?\/[^/?]*\d/i, 'forum', 3],
  [/\/(products?|p|dp|item|shop\/[^/]+\/[^/]+)\/[^/]+/i, 'product', 2],
  [/\/(collections?|c|category|categories|shop|catalog|w)(\/|$)/i, 'collection', 2],
  [/\/(docs?|documentation|reference|api|manual|guide|userguide|wiki|tutorial)s?(\/|$)/i, 'documentation', 3],
  [/\/(services?|solutions?|pricing|about|contact|testimonials|reviews)(\/|-|$)/i, 'service', 2],
  [/\/(news|blog|articles?|story|stories|\d{4}\/\d{2})(\/[^/]+){1,}/i, 'article', 2],
  [/\/(news|blog|events|jobs|courses|programs|issues|shows|search)\/?(\?|$)/i, 'listing', 2],
];

const HOST_RULES: [RegExp, PageTypeName, number][] = [
  [/^(forums?|community|discuss|discussion|boards|users)\./i, 'forum', 2],
  [/^(docs|wiki|developer|developers|learn)\./i, 'documentation', 3],
];

// the post boxes of forum software (Discourse, XenForo, vBulletin, phpBB, NodeBB, Stack Exchange, Reddit,
// Invision, Flarum): a blog's "post"/"comment" classes are not evidence of a thread
export const POST_CLASS =
  /(^|\s)(crawler-post|topic-post|message--post|message-body|messageText|bbWrapper|postbit\w*|postbody|post_message|post-message|js-post|answercell|postcell|thing|ipsComment|Post|PostStream-item|forumpost|post-row|cPost|reply-content|lia-message-body\w*)(\s|$)/;
const CARD_CLASS =
  /(^|[\s_-])(card|item|tile|teaser|result|entry|product|listing|grid-item|post-item|article-item)s?([\s_-]|$)/i;

const CTA =
  /^\s*(get (a |your )?(free )?(quote|started|in touch|estimate|consultation)|contact us|book (a|an|now|your)|schedule (a|your)|request (a|an) (quote|demo|consultation|call)|talk to (us|sales|an expert)|free consultation|call (us|now|today))\b/i;
const CART = /add[\s-]?to[\s-]?(cart|bag|basket)|buy[\s-]?now|in[\s-]?den[\s-]?warenkorb/i;

/** The microdata types of an article (each card of a blog's front page may carry one). */
const MARKED_ARTICLE =
  /^(Article|NewsArticle|BlogPosting|Report|ScholarlyArticle|OpinionNewsArticle|ReportageNewsArticle)$/;
/** An article page marks itself and at most a strip of three or four related stories. */
const MARKED_CARDS = 6;
/** The page's own article holds this many times the text of a typical marked box (a sidebar teaser). */
const OWN_ARTICLE = 5;

/**
 * Whether the boxes the page marks as articles are a list's cards (a blog's front page or archive): at
 * least MARKED_CARDS of them and none that holds OWN_ARTICLE times the median one's text (a news article
 * marks itself, long, and a sidebar of thirty short teasers with the same type).
 */
function markedCards(boxes: Element[]): boolean {
  if (boxes.length < MARKED_CARDS) return false;
  const sizes = boxes.map((b) => collapse(textOf(b)).length).sort((a, b) => a - b);
  const median = sizes[sizes.length >> 1] as number;
  return (sizes[sizes.length - 1] as number) <= Math.max(median, 1) * OWN_ARTICLE;
}

/** The schema.org types a page of items gives itself in JSON-LD: it lists things, it is not one story. */
const LIST_PAGE = /^(CollectionPage|ItemList|SearchResultsPage)$/;

/** Types of one text: an article's, a recipe's (a recipe page lists its site's others in an ItemList). */
const ONE_STORY =
  /^(Article|NewsArticle|BlogPosting|Report|ScholarlyArticle|OpinionNewsArticle|ReportageNewsArticle|TechArticle|Recipe)$/;

/**
 * Whether the page's JSON-LD says it is a list and neither its JSON-LD nor its microdata (the "md:" names)
 * names an article or a recipe. Open Graph's "article" is then no evidence: CMS templates print it on every page, a
 * recipe site's category page (JSON-LD CollectionPage + ItemList) as on its recipes. A listicle that
 * declares an ItemList and an Article stays an article.
 */
function listedPage(types: Set<string>): boolean {
  let list = false;
  for (const t of types) {
    if (ONE_STORY.test(t.startsWith('md:') ? t.slice(3) : t)) return false;
    if (LIST_PAGE.test(t)) list = true;
  }
  return list;
}

/** What a product page marks of its product; on a product group's page, its cards'. */
const PRODUCT_PART = /^(Product|ProductGroup|IndividualProduct|Offer|AggregateOffer)$/;

/** A Q&A page marks one question (Stack Exchange, a forum's QAPage); a page's FAQ marks several. */
const FAQ_QUESTIONS = 3;

/**
 * Whether the page's schema.org Questions are an FAQ's (shops, service pages and articles mark their FAQ
 * sections for search engines) rather than a Q&A thread's: the page declares an FAQPage, or marks
 * FAQ_QUESTIONS Questions or more, and declares no QAPage. An FAQ's questions are no evidence of a forum.
 */
function faqQuestions(types: Set<string>, questions: number): boolean {
  if (questions === 0 || types.has('QAPage') || types.has('md:QAPage')) return false;
  return types.has('FAQPage') || types.has('md:FAQPage') || questions >= FAQ_QUESTIONS;
}

function schemaName(t: unknown): string[] {
  if (typeof t === 'string') return [t.replace(/^https?:\/\/schema\.org\//, '')];
  if (Array.isArray(t)) return t.flatMap(schemaName);
  return [];
}

/** The page's kind, from its JSON-LD objects, microdata, Open Graph type, structure and URL. */
export function detectPageType(
  doc: Document,
  ld: JsonObject[],
  ogType: string | null,
  url: string | undefined,
): PageType {
  const s: Scores = {
    article: 2, // the prior: most of the web that is crawled for text is articles
    forum: 0,
    product: 0,
    listing: 0,
    collection: 0,
    documentation: 0,
    service: 0,
  };
  const signals: string[] = [];
  const add = (type: PageTypeName, w: number, why: string) => {
    s[type] += w;
    signals.push(why);
  };
  const seen = new Set<string>();
  // schema.org Questions, counted: whose they are is known only once all are (see faqQuestions)
  let questions = 0;
  for (const o of ld) {
    for (const t of schemaName(o['@type'])) {
      if (t === 'Question') questions++;
      if (seen.has(t)) continue;
      seen.add(t);
      if (t === 'Question') continue;
      for (const [re, type, w] of SCHEMA_TYPES) if (re.test(t)) add(type, w, `json-ld:${t}`);
    }
  }
  // structure: one pass over the tree
  const classCount = new Map<string, number>();
  let itemprops = 0;
  let prices = 0;
  let cart = false;
  let posts = 0;
  let codeBlocks = 0;
  let articles = 0;
  let cta = 0;
  const marked: string[] = [];
  const markedArticles: Element[] = [];
  const rowBoxes: Element[] = [];
  let links = 0;
  for (const e of elements(doc)) {
    const it = e.attribs.itemtype;
    if (it) {
      for (const t of schemaName(it.split(/\s+/)[0])) {
        if (MARKED_ARTICLE.test(t)) markedArticles.push(e);
        if (t === 'Question') questions++;
        if (seen.has(`md:${t}`)) continue;
        seen.add(`md:${t}`);
        marked.push(t);
      }
    }
    if (e.attribs.itemprop === 'price' || e.attribs.itemprop === 'offers') itemprops++;
    const cls = attr(e, 'class');
    if (cls) {
      if (POST_CLASS.test(cls) && (e.name === 'article' || e.name === 'div' || e.name === 'li')) posts++;
      if (/price/i.test(cls) && e.children.length && prices < 50) prices++;
      if ((e.name === 'li' || e.name === 'article' || e.name === 'div') && CARD_CLASS.test(cls)) {
        const key = `${e.name}.${cls}`;
        classCount.set(key, (classCount.get(key) ?? 0) + 1);
      }
    }
    if (e.name === 'article') articles++;
    if ((e.name === 'a' || e.name === 'button') && cta < 10) {
      const first = e.children[0];
      if (first?.type === 'text' && CTA.test((first as { data: string }).data)) cta++;
    }
    if (e.name === 'pre') codeBlocks++;
    if (e.name === 'table' || e.name === 'dl') rowBoxes.push(e);
    else if (e.name === 'a' && e.attribs.href) links++;
    if (!cart && (e.name === 'button' || e.name === 'form' || e.name === 'input')) {
      const label = `${attr(e, 'name')} ${attr(e, 'value')} ${attr(e, 'class')} ${attr(e, 'action')} ${attr(e, 'aria-label')}`;
      if (CART.test(label) || /cart/i.test(attr(e, 'action'))) cart = true;
    }
  }
  const cardsMarked = markedCards(markedArticles);
  const faq = faqQuestions(seen, questions);
  if (faq) signals.push(`faq-questions:${questions}`);
  else if (seen.has('Question')) add('forum', 6, 'json-ld:Question');
  // a page that says it is a group of products (Open Graph's product.group: a shop's collection) marks its
  // cards' products, not its own
  const group = !!ogType && /product[.:]group/i.test(ogType);
  for (const t of marked) {
    if (faq && t === 'Question') continue;
    if (group && PRODUCT_PART.test(t)) {
      signals.push(`microdata-cards:${t}`);
      continue;
    }
    if (cardsMarked && MARKED_ARTICLE.test(t)) {
      add('listing', 3, `microdata-cards:${t}:${markedArticles.length}`);
      continue;
    }
    for (const [re, type, w] of SCHEMA_TYPES) if (re.test(t)) add(type, w, `microdata:${t}`);
  }
  if (ogType) {
    const o = ogType.toLowerCase();
    if (/product[.:]group/.test(o)) add('collection', 4, `og:${o}`);
    else if (o.includes('product')) add('product', 4, `og:${o}`);
    else if (o === 'article' && listedPage(seen)) signals.push('og:article-on-list');
    else if (o === 'article') add('article', 1.5, 'og:article');
  }
  if (itemprops) add('product', 1.5, `itemprop-price:${itemprops}`);
  if (cart) add('product', prices ? 2 : 1, 'cart');
  if (posts >= 2) add('forum', Math.min(5, 1 + posts / 2), `posts:${posts}`);
  if (codeBlocks >= 2) add('documentation', Math.min(2, codeBlocks / 3), `code:${codeBlocks}`);
  if (articles >= 4) add('listing', Math.min(3, articles / 5), `articles:${articles}`);
  if (cta >= 2) add('service', Math.min(3, cta), `calls-to-action:${cta}`);
  // a page with fewer links than an index's rows has no item rows: its tables are data, not read again
  const rows = rowBoxes.length && links >= ITEM_ROWS ? itemRows(doc, rowBoxes) : 0;
  if (rows >= ITEM_ROWS) add('listing', 3, `item-rows:${rows}`);
  let repeated = 0;
  for (const n of classCount.values()) if (n >= 6) repeated = Math.max(repeated, n);
  if (repeated >= 8 && prices >= 4) add('collection', 2.5, `cards-with-prices:${repeated}`);
  else if (repeated >= 8) add('listing', 1, `repeated:${repeated}`);
  if (url) {
    let u: URL | null = null;
    try {
      u = new URL(url);
    } catch {
      u = null;
    }
    if (u) {
      const path = `${u.pathname}${u.search ? '?' : ''}`;
      for (const [re, type, w] of PATH_RULES) if (re.test(path)) add(type, w, `url:${type}`);
      let forumHost = false;
      for (const [re, type, w] of HOST_RULES)
        if (re.test(u.hostname)) {
          add(type, w, `host:${type}`);
          forumHost ||= type === 'forum';
        }
      // on a forum's own host an unnumbered topic path is one of its topics still
      if (forumHost && /\/topics?\/[^/?\d]+\/?$/i.test(u.pathname)) add('forum', 3, 'url:forum');
      if (u.pathname === '/' || u.pathname === '') add('service', 1, 'url:home');
    }
  }
  let best: PageTypeName = 'article';
  let total = 0;
  for (const t of PAGE_TYPES) {
    total += s[t];
    if (s[t] > s[best]) best = t;
  }
  const confidence = s[best] / Math.max(total, 4);
  return { type: best, confidence: Math.round(confidence * 100) / 100, signals };
}
