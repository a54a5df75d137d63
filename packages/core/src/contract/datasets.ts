import { z } from 'zod';
import { datasetReportQuerySchema, datasetValuationSchema } from '../dataset-report-wire.js';
import { datasetBuildRequestSchema, datasetBuildSchema, datasetFilesSchema } from '../dataset-wire.js';
import { json, key, route } from './route.js';

/** Dataset builds from finished jobs, a collection or the archive (coordinator api/dataset-routes.ts). */
const tag = 'datasets';
const rule = key('crawl');
const params = z.object({ id: z.string() });

export const datasetListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();
export const datasetFileQuerySchema = z.object({ path: z.string().min(1).max(1024) }).strict();

export const datasetRoutes = [
  route({
    method: 'POST',
    path: '/v1/datasets',
    tag,
    summary: 'Start a dataset build: Parquet shards, card, Croissant, provenance and the proof bundle',
    rule,
    body: datasetBuildRequestSchema,
    responses: { 201: json(datasetBuildSchema, 'The build, running') },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets',
    tag,
    summary: "The tenant's builds, newest first",
    rule,
    query: datasetListQuerySchema,
    responses: { 200: json(z.object({ builds: z.array(datasetBuildSchema) })) },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets/:id',
    tag,
    summary: 'A build: its state, progress and report',
    rule,
    params,
    responses: { 200: json(datasetBuildSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets/:id/files',
    tag,
    summary: "A finished build's files as its signed manifest lists them",
    rule,
    params,
    responses: { 200: json(datasetFilesSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets/:id/file',
    tag,
    summary: 'One file of a finished build, streamed (path as the file list names it)',
    rule,
    params,
    query: datasetFileQuerySchema,
    responses: { 200: { contentType: 'application/octet-stream', description: 'The file' } },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets/:id/report',
    tag,
    summary:
      "A finished build's valuation report (rows, tokens, domains, languages, quality, near-duplicates, freshness, licences, purposes, opt-outs), beside a reference sample's",
    rule,
    params,
    query: datasetReportQuerySchema,
    responses: { 200: json(datasetValuationSchema) },
  }),
  route({
    method: 'GET',
    path: '/v1/datasets/:id/report.html',
    tag,
    summary: 'The valuation report as one self-contained HTML page (inline CSS and SVG charts, no script)',
    rule,
    params,
    query: datasetReportQuerySchema,
    responses: { 200: { contentType: 'text/html', description: 'A self-contained HTML page' } },
  }),
];
