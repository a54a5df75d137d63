import type { CreateProjectRequest } from '@sward/core';
import { z } from 'zod';
import { TASK_TYPES } from './task-types.js';

/** What a customer sends to create a project; `items` and `qualification.items` are JSONL text. */
export const createProjectSchema = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(TASK_TYPES),
  /** JSONL; the request body limit (40 MB) bounds it too. */
  items: z.string().max(32 * 1024 * 1024),
  rubric: z.string().max(20_000).optional(),
  /** Labels per item. */
  overlap: z.number().int().min(1).max(50).default(3),
  /** Share of the tasks a labeller gets that are gold items (known answers, interleaved). */
  goldShare: z.number().min(0).max(0.5).default(0.1),
  /** Points per accepted label at full estimated accuracy. */
  payPerTask: z.number().min(0).max(1000),
  qualification: z
    .object({ items: z.string().max(1024 * 1024), passScore: z.number().min(0).max(1).default(0.8) })
    .optional(),
  /** Least time a reader needs for one task: max(minTaskMs, msPerChar × characters shown). */
  minTaskMs: z.number().int().min(0).max(600_000).default(1500),
  msPerChar: z.number().min(0).max(1000).default(10),
  /** Licence named in the exported dataset card (SPDX id or "other"). */
  license: z.string().max(100).default('other'),
  /** Submissions between two quality passes (spam detection and pay). */
  settleEvery: z.number().int().min(1).max(100_000).default(10),
});
export type CreateProjectInput = z.input<typeof createProjectSchema>;
export type ProjectOptions = z.output<typeof createProjectSchema>;

/** The SDK's request type (core) must be one this schema accepts: a compile-time check, no runtime cost. */
export const sdkRequestFits: CreateProjectRequest extends CreateProjectInput ? true : never = true;
