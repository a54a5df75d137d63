/**
 * The /docs page: the OpenAPI document rendered as one static HTML page, no script, no CDN, so it works
 * offline and behind any content security policy. Hand-written (~60 lines) rather than a packaged
 * renderer: the standalone bundles of Scalar, Redoc or Swagger UI are megabytes of JavaScript for what a
 * list of operations with their schemas shows.
 */
export function docsPage(spec: Record<string, unknown>): string {
  const info = spec.info as { title: string; version: string; description: string };
  const paths = spec.paths as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  const sections = [...byTag].map(
    ([tag, ops]) => `<section id="${esc(tag)}"><h2>${esc(tag)}</h2>${ops.join('')}</section>`,
  );
  const nav = [...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}
The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav>${nav}</nav>${sections.join('')}
<h2>Schemas (components)</h2><pre>${esc(JSON.stringify((spec.components as { schemas: unknown }).schemas, null, 2))}</pre>
</body></html>`;
}

interface Operation {
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

function operation(method: string, path: string, op: Operation): string {
  const auth = op.security.map((s) =>
    Object.entries(s).map(([k, v]) => (v.length ? `${k} (${v.join(', ')})` : k)),
  );
  const params = (op.parameters ?? []).map(
    (p) =>
      `<li><code>${esc(p.name)}</code> in ${p.in}${p.required ? ', required' : ''}: <code>${esc(brief(p.schema))}</code></li>`,
  );
  const body = op.requestBody
    ? `<details><summary>Request body</summary>${content(op.requestBody.content)}</details>`
    : '';
  const answers = Object.entries(op.responses)
    .map(
      ([s, r]) =>
        `<details><summary>${esc(s)}: ${esc(r.description)}</summary>${content(r.content ?? {})}</details>`,
    )
    .join('');
  return `<article><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}. <em>Auth: ${esc(auth.flat().join(' or ') || 'public')}</em></p>
${params.length ? `<ul>${params.join('')}</ul>` : ''}${body}${answers}</article>`;
}

const content = (c: Record<string, { schema: unknown }>): string =>
  Object.entries(c)
    .map(
      ([type, { schema }]) =>
        `<p><code>${esc(type)}</code></p><pre>${esc(JSON.stringify(schema, null, 2))}</pre>`,
    )
    .join('');

const brief = (s: unknown): string => JSON.stringify(s).slice(0, 200);

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}article{border-top:1px solid #ddd;padding:.25rem 0}
.m{font-family:monospace;padding:0 .3rem;border-radius:3px;color:#fff;background:#555}.get{background:#2a7}.post{background:#27a}
.put{background:#a72}.delete{background:#a33}small{color:#777}nav{margin:1rem 0}`;
