import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

const bin = new URL('../../bin/sward.js', import.meta.url).pathname;
const run = (args: string[], input: string) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.on('exit', (code) => resolve({ code, out }));
    p.stdin.end(input);
  });

const page = `<html lang="en"><head><title>Gardens of the North</title><meta name="author" content="Ada Moss"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Gardens of the North</h1>
<p>Northern gardens bloom late, but they bloom with a fury that southern gardeners rarely see in their own beds.</p>
<p>Write to ada@example.org for seeds, or read <a href="/more">more about it</a> on the site.</p></article></body></html>`;

test('sward extract reads stdin and prints json, text or markdown', async () => {
  const json = await run(['extract', '--url', 'https://gardens.example/a', '-'], page);
  assert.equal(json.code, 0);
  const doc = JSON.parse(json.out);
  assert.equal(doc.title, 'Gardens of the North');
  assert.equal(doc.language, 'en');
  assert.match(doc.text, /\[EMAIL\]/, 'PII replaced by default');
  const md = await run(['extract', '--format', 'markdown', '--url', 'https://gardens.example/a'], page);
  assert.match(md.out, /\(https:\/\/gardens\.example\/more\)/, 'links made absolute');
  const text = await run(['extract', '--format', 'text', '--keep-pii'], page);
  assert.match(text.out, /ada@example\.org/);
});
