// The console (packages/web) in Debian's Chromium, driven by playwright-core, against a real coordinator
// holding a crawl by a real node, a live collection, a labelling project and a closed epoch
// (support/console-world.ts consoleSuite). Every page is checked by axe-core on a 375 px phone in dark
// mode and for its layout on a desktop in light mode, with screenshots in test-artifacts/console/.
// One world and one Chromium for every role's paths: starting them is about as much CPU as the paths
// themselves, and three files each starting their own paid for it three times.
import { describe } from 'node:test';
import { adminPaths } from './console/admin.js';
import { customerPaths } from './console/customer.js';
import { rolePaths } from './console/roles.js';
import { consoleSuite } from './support/console-world.js';

consoleSuite('the console in a browser', {}, (s) => {
  describe('the network admin', () => adminPaths(s));
  describe('each role sees its own', () => rolePaths(s));
  describe('customers', () => customerPaths(s));
});
