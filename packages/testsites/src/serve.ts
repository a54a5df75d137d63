// Starts the sample site (and the news site) for manual poking, from the compiled output (npm run build):
//   node packages/testsites/dist/serve.js [--pages N] [--port P]
import { parseArgs } from 'node:util';
import { startNewsSite } from './news-site.js';
import { startSampleSite } from './sample-site.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'no-politeness': { type: 'boolean' },
    news: { type: 'boolean' },
  },
});
const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} wants a whole number, got ${v}`);
  return n;
};

const site = await startSampleSite({
  pages: num(values.pages, 'pages'),
  port: num(values.port, 'port'),
  host: values.host,
  politeness: !values['no-politeness'],
});
console.log(
  `sample site: ${site.url}/  (${site.expected.articles.length} articles, ${site.expected.total} URLs)`,
);
const news = values.news ? await startNewsSite({ host: values.host }) : undefined;
if (news) console.log(`news site:   ${news.url}/`);

const stop = async () => {
  await site.close();
  await news?.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
