// zod/mini leaves issue messages at "Invalid input" until a locale is configured; classic zod configures
// English when it loads, which a node no longer does (core's node-answers.ts). English alone, not zod's
// locales index: the daemon's config and answer errors read as they did.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
