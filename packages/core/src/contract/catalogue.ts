import { z } from 'zod';
import {
  catalogueChangesQuerySchema,
  catalogueChangesSchema,
  catalogueDeprecateRequestSchema,
  catalogueDownloadRequestSchema,
  catalogueDownloadSchema,
  catalogueDownloadsQuerySchema,
  catalogueListQuerySchema,
  cataloguePublishRequestSchema,
  catalogueVersionSchema,
} from '../catalogue-wire.js';
import { datasetFileQuerySchema } from './datasets.js';
import { json, key, route } from './route.js';

/**
 * The dataset catalogue (coordinator api/catalogue-routes.ts): `datasets:publish` to publish and deprecate
 * the tenant's own builds, `datasets:read` to list, show and download what the tenant may see. A version
 * the caller may not see answers 404 as a missing one.
 */
const tag = 'catalogue';
const publish = key('datasets:publish');
const read = key('datasets:read');
const versionParams = z.object({ owner: z.string(), name: z.string(), version: z.string() });
const downloadParams = z.object({ id: z.string() });

const downloadLineSchema = catalogueDownloadSchema.omit({ files: true });

export const catalogueRoutes = [
  route({
    method: 'POST',
    path: '/v1/catalogue',
    tag,
    summary: 'Publish a finished build of yours as <your tenant>/<name>@<version> (immutable)',
    rule: publish,
    body: cataloguePublishRequestSchema,
    responses: { 201: json(catalogueVersionSchema, 'The published version') },
  }),
  route({
    method: 'GET',
    path: '/v1/catalogue',
    tag,
    summary: 'The versions you may see, newest first (deprecated ones only with deprecated=true)',
    rule: read,
    query: catalogueListQuerySchema,
    responses: { 200: json(z.object({ versions: z.array(catalogueVersionSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/dataset-downloads',
    tag,
    summary: "Your tenant's downloads, newest first: what each cost and how much was fetched",
    rule: read,
    query: catalogueDownloadsQuerySchema,
    responses: { 200: json(z.object({ downloads: z.array(downloadLineSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/dataset-downloads/:id',
    tag,
    summary: 'One of your downloads, with its files (fetching them again charges nothing)',
    rule: read,
    params: downloadParams,
    responses: { 200: json(catalogueDownloadSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/dataset-downloads/:id/file',
    tag,
    summary: 'One file of a download, streamed (path as its file list names it); metered',
    rule: read,
    params: downloadParams,
    query: datasetFileQuerySchema,
    responses: { 200: { contentType: 'application/octet-stream', description: 'The file' } },
  }),
  route({
    method: 'GET',
    path: '/v1/catalogue/:owner/:name',
    tag,
    summary: 'Every version of a dataset you may see, newest first, deprecated ones included',
    rule: read,
    params: z.object({ owner: z.string(), name: z.string() }),
    responses: { 200: json(z.object({ versions: z.array(catalogueVersionSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/catalogue/:owner/:name/:version',
    tag,
    summary: 'One version: files, licences, price per download, what changed since the previous version',
    rule: read,
    params: versionParams,
    responses: { 200: json(catalogueVersionSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/catalogue/:owner/:name/:version/changes',
    tag,
    summary: 'Every URL added, removed or changed against the previous version, in URL order',
    rule: read,
    params: versionParams,
    query: catalogueChangesQuerySchema,
    responses: { 200: json(z.object({ rows: catalogueChangesSchema.shape.rows })) },
  }),
  route({
    method: 'POST',
    path: '/v1/catalogue/:owner/:name/:version/deprecate',
    tag,
    summary: 'Deprecate a version of yours: still downloadable, with a warning; no longer listed by default',
    rule: publish,
    params: versionParams,
    body: catalogueDeprecateRequestSchema,
    responses: { 200: json(catalogueVersionSchema) },
  }),
  route({
    method: 'POST',
    path: '/v1/catalogue/:owner/:name/:version/downloads',
    tag,
    summary:
      "Download a version: charged per its rows' creator terms (ref dataset:<download id>), then its files",
    rule: read,
    params: versionParams,
    body: catalogueDownloadRequestSchema,
    responses: { 201: json(catalogueDownloadSchema, 'The download, paid for') },
  }),
  route({
    method: 'GET',
    path: '/v1/catalogue/:owner/:name/:version/downloads',
    tag,
    summary: 'Who downloaded a version of yours, when, what it cost and how much they fetched',
    rule: publish,
    params: versionParams,
    query: catalogueDownloadsQuerySchema,
    responses: { 200: json(z.object({ downloads: z.array(downloadLineSchema) })) },
  }),
];
