import { FETCH_FAILURE_CODES } from '@sward/core';
import { z } from 'zod';

/** What a node posts: the signed capture plus the raw body, base64 in JSON (docs/PROTOCOL.md). */
export const captureUploadSchema = z.object({
  capture: z.unknown(),
  signature: z.unknown(),
  body: z.string().max(30 * 1024 * 1024, 'body is over the 30 MB base64 upload limit'),
});

export const failureReportSchema = z
  .object({
    leaseId: z.string().min(1).max(100),
    jobId: z.string().min(1).max(100),
    url: z.string().max(8192),
    code: z.enum(FETCH_FAILURE_CODES),
    message: z.string().max(2000).default(''),
  })
  .strict();

export type FailureReport = z.infer<typeof failureReportSchema>;
