// htmlparser2 keeps its open-element stack with Array#unshift, so a page of 100k nested
// <div>s parses in quadratic time (~20 s). This pre-scan counts nesting with a cheap
// character loop and, only when a page goes deeper than `max`, drops the tags below that
// depth (their text stays). Hand-written because the parser offers no depth limit.

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  // implicitly closed: they never nest in real pages, so do not count them
  'p',
  'li',
  'td',
  'th',
  'tr',
  'option',
  'dt',
  'dd',
]);
const RAW = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);

const RAW_END: Record<string, RegExp> = Object.fromEntries(
  [...RAW].map((n) => [n, new RegExp(`</${n}`, 'ig')]),
);

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The HTML with tags deeper than `max` removed, or the input itself when it is shallow enough. */
export function limitNesting(html: string, max = 1000): { html: string; limited: boolean } {
  let depth = 0;
  let i = 0;
  const cuts: number[] = []; // [start, end) pairs of tags to drop
  while (true) {
    const lt = html.indexOf('<', i);
    if (lt < 0 || lt + 1 >= html.length) break;
    const c = html.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      const end = html.startsWith('<!--', lt) ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const close = c === 47; /* / */
    const nameStart = close ? lt + 2 : lt + 1;
    if (!isAlpha(html.charCodeAt(nameStart))) {
      i = lt + 1;
      continue;
    }
    let j = nameStart;
    while (j < html.length && !/[\s/>]/.test(html[j] as string)) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    const gt = html.indexOf('>', j);
    if (gt < 0) break;
    i = gt + 1;
    if (VOID.has(name) || html.charCodeAt(gt - 1) === 47) continue;
    if (close) {
      if (depth > max) cuts.push(lt, gt + 1);
      if (depth > 0) depth--;
      continue;
    }
    if (RAW.has(name)) {
      const re = RAW_END[name] as RegExp;
      re.lastIndex = gt;
      const m = re.exec(html);
      i = m ? m.index : html.length;
      depth++;
      continue;
    }
    depth++;
    if (depth > max) cuts.push(lt, gt + 1);
  }
  if (!cuts.length) return { html, limited: false };
  const parts: string[] = [];
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    parts.push(html.slice(from, cuts[k]));
    from = cuts[k + 1] as number;
  }
  parts.push(html.slice(from));
  return { html: parts.join(''), limited: true };
}
