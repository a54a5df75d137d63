import { z } from 'zod';
import { DIRECTORY_PATH } from '../web-bot-auth.js';
import { json, key, PUBLIC, route } from './route.js';

/** The coordinator's own routes: health, metrics, the key directory, this contract and its page. */
const tag = 'service';

export const serviceRoutes = [
  route({
    method: 'GET',
    path: '/healthz',
    tag,
    summary: 'Liveness',
    rule: PUBLIC,
    responses: { 200: json(z.object({ ok: z.literal(true) })) },
  }),
  route({
    method: 'GET',
    path: '/metrics',
    tag,
    summary: 'Prometheus metrics: network-wide figures',
    rule: key('metrics:read'),
    responses: { 200: { contentType: 'text/plain', description: 'Prometheus text exposition format 0.0.4' } },
  }),
  route({
    method: 'GET',
    path: DIRECTORY_PATH,
    tag,
    summary: "Web Bot Auth: the network's signed key directory (JWKS)",
    rule: PUBLIC,
    responses: {
      200: {
        contentType: 'application/http-message-signatures-directory+json',
        description: 'A JWKS, signed with every key it lists (RFC 9421 headers)',
      },
    },
  }),
  route({
    method: 'GET',
    path: '/openapi.json',
    tag,
    summary: 'This API as an OpenAPI 3.1 document',
    rule: PUBLIC,
    responses: { 200: { contentType: 'application/json', description: 'The OpenAPI 3.1 document' } },
  }),
  route({
    method: 'GET',
    path: '/docs',
    tag,
    summary: 'A reference page of this API, made from /openapi.json',
    rule: PUBLIC,
    responses: { 200: { contentType: 'text/html', description: 'A self-contained HTML page' } },
  }),
  // the console (coordinator api/console-routes.ts): static files; its data comes from the routes above
  route({
    method: 'GET',
    path: '/console',
    tag,
    summary: 'Redirects to /console/',
    rule: PUBLIC,
    responses: { 301: { contentType: 'text/plain', description: 'To /console/' } },
  }),
  route({
    method: 'GET',
    path: '/console/',
    tag,
    summary: 'The console for every role (customers, operators, labellers, admins)',
    rule: PUBLIC,
    responses: { 200: { contentType: 'text/html', description: 'The console page' } },
  }),
  route({
    method: 'GET',
    path: '/console/:file',
    tag,
    summary: "One of the console's built files (scripts, styles)",
    rule: PUBLIC,
    params: z.object({ file: z.string() }),
    responses: {
      200: {
        contentType: 'text/javascript, text/css, image/svg+xml, application/json',
        description: 'A script, a style sheet, an image or a source map of the console',
      },
    },
  }),
];
