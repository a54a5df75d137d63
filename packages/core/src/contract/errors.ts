import { z } from 'zod';
import { API_ERROR_CODES } from './error-codes.js';

export { API_ERROR_CODES, type ApiErrorCode } from './error-codes.js';

export const apiErrorSchema = z
  .object({
    error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string() }).strict(),
  })
  .strict();
export type ApiErrorBody = z.output<typeof apiErrorSchema>;
