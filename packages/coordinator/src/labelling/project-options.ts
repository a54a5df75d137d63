import { type CreateProjectRequest, createProjectSchema } from '@sward/core';
import type { z } from 'zod';

/** What a customer sends to create a project: core's wire schema. */
export { createProjectSchema };
export type CreateProjectInput = z.input<typeof createProjectSchema>;
export type ProjectOptions = z.output<typeof createProjectSchema>;

/** The SDK's request type (core) must be one this schema accepts: a compile-time check, no runtime cost. */
export const sdkRequestFits: CreateProjectRequest extends CreateProjectInput ? true : never = true;
