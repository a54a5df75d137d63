import { z } from 'zod';
import { apiErrorSchema } from './errors.js';
import type { ApiRoute, RawContent, RouteAuth } from './route.js';

/**
 * The contract as an OpenAPI 3.1 document, made with zod 4's own JSON Schema output (draft 2020-12, the
 * dialect OpenAPI 3.1 uses): no converter library, and nothing written by hand. Schemas are rendered for
 * their input side (what may be sent or received), without `additionalProperties: false`: readers ignore
 * fields they do not know, so a newer coordinator's extra field breaks no client.
 */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = operation(r);
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
      schemas: { Error: schemaOf(apiErrorSchema) },
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

function operation(r: ApiRoute): Record<string, unknown> {
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
    ...queryParameters(r.query),
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
  }
};

function content(body: z.ZodType | RawContent): Record<string, unknown> {
  if (body instanceof z.ZodType) return { 'application/json': { schema: schemaOf(body) } };
  const schema = body.binary ? { type: 'string', contentMediaType: body.contentType } : { type: 'string' };
  return Object.fromEntries(body.contentType.split(', ').map((t) => [t, { schema }]));
}

function queryParameters(query: z.ZodType | undefined): Record<string, unknown>[] {
  if (!query) return [];
  const s = schemaOf(query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: s.required?.includes(name) ?? false,
    schema,
  }));
}

function schemaOf(s: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}
