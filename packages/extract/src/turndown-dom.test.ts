import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Element, firstByName, parseHtml } from './dom.js';
import { toMarkdown } from './markdown.js';
import { mdTree, needsParser } from './turndown-dom.js';

const bodyOf = (html: string): Element => {
  const body = firstByName(parseHtml(html).doc, 'body');
  assert.ok(body, `no <body> parsed from ${html.slice(0, 60)}`);
  return body;
};

// Content where our tree and an HTML parser's differ in the small ways mdTree copies: CR LF, the newline after
// <pre>, text nodes a removed element left side by side, comments, a <body> turndown's own parse unwraps.
const PAGE = `<html><body>
<h2>Title  with\r\n spaces</h2>
<p>Para with <a href="https://x.org/a" title="T">a link</a>, <em>em</em>, <strong>strong</strong>,
<code>code</code>, <del>gone</del> and <img src="https://x.org/i.png" alt="pic">.<br>Next line.</p>
<!-- a comment --><p>- not a list <span>* nor</span> this<!--c--># heading</p>
<pre class="language-js">
const a = 1;\r\nconst b = 2;
</pre>
<ul><li><input type="checkbox" checked> done</li><li>todo <ul><li>inner</li></ul></li><li>
  <p>loose</p></li></ul>
<ol start="3"><li>three</li><li>four</li></ol>
<table><caption>Cap</caption><tr><th>A</th><th>B | C</th></tr><tr><td>1</td><td>2<br>3</td></tr></table>
<blockquote><p>quoted</p><p>twice</p></blockquote><hr><div>  </div><p><b> </b><i>x</i></p>
<dl><dt>term</dt><dd>def</dd></dl><script>var s = 1;</script><button>Press</button>
</body></html>`;

test('Markdown from the copy of our tree is the Markdown from the serialised HTML, byte for byte', () => {
  const body = bodyOf(PAGE);
  // a removed element leaves two text nodes side by side; an HTML parser joins them
  const p = firstByName(body, 'span');
  assert.ok(p?.parent, 'the fixture has a <span> in a paragraph');
  const parent = p.parent as Element;
  parent.children.splice(parent.children.indexOf(p), 1, ...p.children);
  assert.equal(needsParser([body]), false, 'the fixture is one the copy handles');
  const viaTree = toMarkdown([body]);
  const viaHtml = toMarkdown([body], 'html');
  assert.ok(viaTree?.includes('```js\nconst a = 1;\nconst b = 2;\n```'), `fenced code: ${viaTree}`);
  assert.ok(viaTree?.includes('- [x]  done'), `task list item: ${viaTree}`);
  assert.equal(viaTree, viaHtml, 'the two ways give different Markdown');
});

test('the copy joins neighbouring text, drops the newline after <pre> and unwraps <body>', () => {
  const body = bodyOf('<body><pre>\nx\r\ny</pre><p>a<!--c-->b</p></body>');
  const root = mdTree([body]);
  assert.equal(root.firstChild?.nodeName, 'PRE', 'the <body> is unwrapped into the root');
  assert.equal(
    root.firstChild?.textContent,
    'x\ny',
    'newline after <pre> and CR LF as an HTML parser reads them',
  );
  const para = root.lastChild;
  assert.deepEqual(
    para?.childNodes.map((c) => c.nodeType),
    [3, 8, 3],
    'text, comment, text under the paragraph',
  );
  para?.removeChild(para.childNodes[1] as never);
  assert.equal(para?.childNodes.length, 2, 'removeChild updates childNodes');
  assert.equal(para?.firstChild?.nextSibling, para?.lastChild, 'removeChild relinks the siblings');
});

test('subtrees an HTML parser would rebuild go as HTML', () => {
  const rebuilt: [string, string][] = [
    ['a link in a link', '<a href="/1">x <a href="/2">y</a></a>'],
    ['a list item in a paragraph in a list item', '<ul><li>a<p>b<li>c</li></p></li></ul>'],
    ['a block in a paragraph', '<p><span>x<div>y</div></span></p>'],
    ['a heading in a heading', '<h2>x<h3>y</h3></h2>'],
    ['a term in a term', '<dl><dt>x<span><dd>y</dd></span></dt></dl>'],
    ['a cell outside a row', '<div><td>x</td></div>'],
    ['text in a table row', '<table><tr>loose<td>x</td></tr></table>'],
    ['foreign content', '<p>x<svg><a href="/s">y</a></svg></p>'],
    ['raw text in noscript', '<p>x<noscript><img src="/n.png"></noscript></p>'],
  ];
  for (const [what, html] of rebuilt) {
    const body = bodyOf(`<body>${html}</body>`);
    assert.equal(needsParser([body]), true, `${what} is not sent as HTML: ${html}`);
    assert.equal(toMarkdown([body]), toMarkdown([body], 'html'), `${what}: the two ways differ`);
  }
  assert.equal(needsParser([bodyOf(PAGE)]), false, 'a plain page goes as our tree');
});
