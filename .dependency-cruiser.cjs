// The rooms of docs/../DESIGN.md ("Rooms"), checked in `npm test` (scripts/check-rooms.mjs): which package may
// import which, the coordinator's layers (store ◀ network ◀ features ◀ api), and no import cycles. Type-only
// imports count: a cycle through types still ties two modules together.
const coordinator = 'packages/coordinator/src';
const network = `${coordinator}/(crawl|ingest|log|anchor|spot-check|policy|output|blob|net)/`;
const features = `${coordinator}/(rewards|labelling|collections|labels|creators)/`;
const api = `${coordinator}/(api/|server\\.ts|index\\.ts|open-store\\.ts)`;

/** A package's sources may import only these packages' sources (besides npm dependencies). */
const rooms = {
  core: [],
  extract: ['core'],
  node: ['core'],
  sdk: ['core'],
  coordinator: ['core', 'extract'],
  // testsites: `sward demo` serves the sample site it crawls.
  cli: ['sdk', 'node', 'coordinator', 'core', 'extract', 'testsites'],
  web: ['sdk', 'core'],
  testsites: [],
};

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle: the two modules can no longer be understood, tested or moved apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(rooms).map(([room, allowed]) => ({
      name: `room-${room}`,
      comment: `packages/${room} may import only ${allowed.length ? allowed.join(', ') : 'npm packages'} (DESIGN.md, Rooms)`,
      severity: 'error',
      from: { path: `^packages/${room}/(src|bin)/` },
      to: {
        path: '^packages/([^/]+)/',
        pathNot: [`^packages/(${[room, ...allowed].join('|')})/`],
      },
    })),
    {
      name: 'store-imports-no-feature',
      comment: 'The store is the bottom layer: features register their own schema (open-store.ts).',
      severity: 'error',
      from: { path: `^${coordinator}/store/` },
      to: { path: `^${coordinator}/`, pathNot: [`^${coordinator}/store/`] },
    },
    {
      name: 'network-below-features-and-api',
      comment: 'Scheduling, ingest, the log and outputs know no feature and no route.',
      severity: 'error',
      from: { path: `^${network}` },
      to: { path: [`^${features}`, `^${api}`] },
    },
    {
      name: 'features-below-api',
      comment: 'Features register routes; they never import them.',
      severity: 'error',
      from: { path: `^${features}` },
      to: { path: `^${api}` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/|\\.test\\.ts$|/testing-world\\.ts$|/fake-coordinator\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Workspace packages resolve to their sources, as tsc and the tests see them.
    enhancedResolveOptions: {
      conditionNames: ['source', 'import', 'types', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
