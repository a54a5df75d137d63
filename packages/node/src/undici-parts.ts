import { createRequire } from 'node:module';
import type * as Undici from 'undici';

// The parts of undici a node uses, loaded one by one: undici's index also loads fetch, WebSocket,
// EventSource, the caches, the mocks and every interceptor, which cost a running node about 7 MB of its
// 80 MB budget (issue #11). undici has no exports map, so these files are loadable, but their paths are
// not its public API: package.json pins undici exactly, and every node test goes through this module.
const require = createRequire(import.meta.url);

export const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent.js');
export const Client: typeof Undici.Client = require('undici/lib/dispatcher/client.js');
export const buildConnector: typeof Undici.buildConnector = require('undici/lib/core/connect.js');
const Dispatcher: typeof Undici.Dispatcher = require('undici/lib/dispatcher/dispatcher.js');
// What undici's index does on load: the request/stream/pipeline API lives on every dispatcher.
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));
