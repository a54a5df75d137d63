// Module hooks (they run on their own thread): append each loaded URL to SWARD_RECORD_LOADS.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.SWARD_RECORD_LOADS) appendFileSync(process.env.SWARD_RECORD_LOADS, `${url}\n`);
  return nextLoad(url, context);
}
