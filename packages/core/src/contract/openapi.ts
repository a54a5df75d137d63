import { z } from 'zod';
import { namedSchemaRegistry } from './components.js';
import { apiErrorSchema } from './errors.js';
import type { ApiRoute, RawContent, RouteAuth } from './route.js';

/**
 * The contract as an OpenAPI 3.1 document, made with zod 4's own JSON Schema output (draft 2020-12, the
 * dialect OpenAPI 3.1 uses): no converter library, and nothing written by hand. Schemas are rendered for
 * their input side (what may be sent or received), without `additionalProperties: false`: readers ignore
 * fields they do not know, so a newer coordinator's extra field breaks no client.
 */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const components = new Components();
  components.schemaOf(apiErrorSchema); // every operation's default answer refers to it
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].sort(
    (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  )) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = operation(r, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sward coordinator API',
      version,
      description:
        'The HTTP API of a Sward coordinator. Errors answer `{error: {code, message}}` with a closed code set.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: {
      schemas: components.sorted(),
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (sk_…); each route names its scope',
        },
        nodeSession: {
          type: 'http',
          scheme: 'bearer',
          description: 'A node session token (POST /v1/nodes/session)',
        },
        labellerSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sward_labeller',
          description: 'The labeller session set at sign-up (or its token as a Bearer)',
        },
      },
    },
  };
}

function operation(r: ApiRoute, components: Components): Record<string, unknown> {
  const schemaOf = (s: z.ZodType) => components.schemaOf(s);
  const content = (body: z.ZodType | RawContent) => contentOf(body, schemaOf);
  const op: Record<string, unknown> = {
    operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: r.summary,
    tags: [r.tag],
    security: security(r.rule),
  };
  if (r.rule.auth === 'key') op['x-scope'] = r.rule.scope;
  const parameters = [
    ...Object.keys(r.params?.shape ?? {}).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...queryParameters(r.query, schemaOf),
  ];
  if (parameters.length) op.parameters = parameters;
  if (r.body) op.requestBody = { required: true, content: content(r.body) };
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(r.responses))
    responses[status] = { description: res.description, content: content('json' in res ? res.json : res) };
  responses.default = {
    description: 'An error: the code is one of a closed set',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  op.responses = responses;
  return op;
}

const security = (rule: RouteAuth): Record<string, string[]>[] => {
  switch (rule.auth) {
    case 'public':
      return [];
    case 'node':
      return [{ nodeSession: [] }];
    case 'labeller':
      return [{ labellerSession: [] }];
    case 'key':
      return [{ apiKey: [rule.scope] }];
    case 'anyKey':
      return [{ apiKey: [] }];
  }
};

type SchemaOf = (s: z.ZodType) => Record<string, unknown>;

function contentOf(body: z.ZodType | RawContent, schemaOf: SchemaOf): Record<string, unknown> {
  if (body instanceof z.ZodType) return { 'application/json': { schema: schemaOf(body) } };
  const schema = body.binary ? { type: 'string', contentMediaType: body.contentType } : { type: 'string' };
  return Object.fromEntries(body.contentType.split(', ').map((t) => [t, { schema }]));
}

function queryParameters(query: z.ZodType | undefined, schemaOf: SchemaOf): Record<string, unknown>[] {
  if (!query) return [];
  const s = schemaOf(query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: s.required?.includes(name) ?? false,
    schema,
  }));
}

/**
 * Renders schemas, the named ones (components.ts) as references: zod puts each named schema a rendering
 * meets in its $defs; they are moved to components.schemas and the references pointed there.
 */
class Components {
  private readonly registry = namedSchemaRegistry();
  private readonly named = new Map<string, string>();

  schemaOf(s: z.ZodType): Record<string, unknown> {
    const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', metadata: this.registry }) as Record<
      string,
      unknown
    >;
    const { $schema: _, $defs, ...rest } = out;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
      const text = JSON.stringify(def);
      const seen = this.named.get(id);
      if (seen !== undefined && seen !== text) throw new Error(`schema ${id} renders two ways`);
      this.named.set(id, text);
    }
    return JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/'));
  }

  sorted(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const id of [...this.named.keys()].sort())
      out[id] = JSON.parse((this.named.get(id) as string).replaceAll('"#/$defs/', '"#/components/schemas/'));
    return out;
  }
}
