// Class/id/tag patterns for boilerplate, after Readability's and trafilatura's
// published lists (Readability.js REGEXPS, trafilatura xpaths.py), merged and tuned
// on the ScrapingHub dev set only.

/** Never content: dropped before anything else. */
export const SKIP_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'button',
  'input',
  'select',
  'textarea',
  'option',
  'nav',
  'link',
  'meta',
  'head',
  'title',
  'map',
  'area',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'img',
  'dialog',
  'menu',
]);

/** Tags that start a new paragraph when rendering text. */
export const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'caption',
  'legend',
  'noscript',
]);

export const UNLIKELY =
  /-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|newsletter|subscribe|cookie|consent|promo|share|sharing|outbrain|taboola|recirc|most-popular|trending/i;
/** On a forum thread the comments and replies are the content. */
export const UNLIKELY_ON_FORUMS = new RegExp(
  UNLIKELY.source.replace(/\|(comment|community|remark|replies)(?=\|)/g, ''),
  UNLIKELY.flags,
);
// a "hero banner" ("heroBanner", "hero-banner") is a page's lead section, not an advertising or site banner
export const MAYBE_OK = /and|article|body|column|content|main|mathjax|shadow|hero[_-]?banner/i;

export const POSITIVE =
  /article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story/i;
export const NEGATIVE =
  /-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|caption|credit/i;

export const UNLIKELY_ROLES = new Set([
  'menu',
  'menubar',
  'complementary',
  'navigation',
  'alert',
  'alertdialog',
  'dialog',
  'banner',
  'contentinfo',
  'search',
]);
