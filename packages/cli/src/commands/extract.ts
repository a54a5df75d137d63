import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function register(program: Command): void {
  program
    .command('extract [file]')
    .description('turn an HTML page (file or - for stdin) into a clean document')
    .option('--url <url>', "the page's URL: base for absolute links")
    .option('--format <f>', 'json, text or markdown', 'json')
    .option('--json', 'the same as --format json')
    .option('--content-type <type>', 'Content-Type header, for the charset')
    .option('--keep-pii', 'keep emails, phone numbers, IP addresses and card numbers instead of placeholders')
    .action(async (file: string | undefined, o) => {
      const { extract } = await import('@sward/extract');
      if (!['json', 'text', 'markdown'].includes(o.format))
        throw new CliError('USAGE', `--format must be json, text or markdown, got "${o.format}"`);
      if (o.json && o.format !== 'json')
        throw new CliError('USAGE', `--json and --format ${o.format} ask for different outputs; give one`);
      const fromStdin = !file || file === '-';
      // Waiting on a terminal for HTML nobody will type looks like a hang.
      if (fromStdin && process.stdin.isTTY)
        throw new CliError(
          'USAGE',
          'give an HTML file, or pipe the page into stdin (sward extract - < page.html)',
        );
      const bytes = fromStdin ? await readStdin() : await readFile(file);
      const doc = extract(bytes, {
        ...(o.url ? { url: o.url } : {}),
        ...(o.contentType ? { contentType: o.contentType } : {}),
        redactPii: !o.keepPii,
        // Markdown only when it is printed: turndown parses the content again with its own DOM.
        markdown: o.format !== 'text',
      });
      const out =
        o.format === 'text'
          ? doc.text
          : o.format === 'markdown'
            ? doc.markdown
            : JSON.stringify(doc, null, 2);
      process.stdout.write(`${out}\n`);
      if (doc.reason) process.stderr.write(`warning: empty document: ${doc.reason}\n`);
    });
}
