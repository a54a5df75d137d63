type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;

/**
 * undici, loaded on the first outgoing request (a webhook, a creator's domain proof), not with the
 * coordinator: it is ~110 modules and ~0.15 CPU-s that every start (and every test process) paid otherwise,
 * while most coordinators send no such request for a long while, many never.
 */
export function loadUndici(): Promise<Undici> {
  undici ??= import('undici');
  return undici;
}
