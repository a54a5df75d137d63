import { createHash, randomBytes } from 'node:crypto';

export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;
export const newSecret = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;
/** Secrets (API keys, session tokens) are stored only as their SHA-256. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
