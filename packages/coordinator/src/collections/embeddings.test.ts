import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingError, embeddingsEndpoint, LocalEmbeddings, OpenAiEmbeddings } from './embeddings.js';

/** The vector the fake server gives a text: 4 dims from its SHA-256, so every run and every batch agree. */
const vectorOf = (text: string) =>
  [...createHash('sha256').update(text).digest().subarray(0, 4)].map((b) => b / 255);

interface Seen {
  path: string;
  auth: string | undefined;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

describe('OpenAiEmbeddings against an in-test /v1/embeddings server', () => {
  let server: Server;
  let base = '';
  const seen: Seen[] = [];
  /** Scripted answers for the next requests (status + body), before the normal behaviour resumes. */
  const script: { status: number; body: string }[] = [];
  let shuffle = false;

  const readBody = async (req: IncomingMessage) => {
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    return Buffer.concat(parts).toString('utf8');
  };

  before(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await readBody(req)) as Seen['body'];
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const next = script.shift();
      if (next) {
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
        return;
      }
      const data = body.input.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t) }));
      if (shuffle) data.reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = (extra = {}) =>
    new OpenAiEmbeddings({
      url: `${base}/v1`,
      model: 'test-embed',
      apiKey: 'sk-test',
      retryDelayMs: 1,
      ...extra,
    });

  test('batches the texts, keeps their order and sends model, key and dimensions', async () => {
    seen.length = 0;
    shuffle = true;
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vecs = await client({ batchSize: 2, dimensions: 4 }).embed(texts);
    shuffle = false;
    assert.equal(vecs.length, 5);
    vecs.forEach((v, i) => {
      assert.ok(v instanceof Float32Array);
      assert.deepEqual([...v], [...Float32Array.from(vectorOf(texts[i] as string))]);
    });
    assert.deepEqual(
      seen.map((s) => s.body.input),
      [['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']],
    );
    for (const s of seen) {
      assert.equal(s.path, '/v1/embeddings');
      assert.equal(s.auth, 'Bearer sk-test');
      assert.equal(s.body.model, 'test-embed');
      assert.equal(s.body.dimensions, 4);
      assert.equal(s.body.encoding_format, 'float');
    }
    assert.deepEqual(await client().embed([]), []);
  });

  test('retries 429 and 5xx, then succeeds', async () => {
    seen.length = 0;
    script.push({ status: 503, body: '{}' }, { status: 429, body: '{}' });
    const [v] = await client().embed(['x']);
    assert.deepEqual([...(v ?? [])], [...Float32Array.from(vectorOf('x'))]);
    assert.equal(seen.length, 3);
  });

  test('errors say what the server did', async () => {
    script.push({ status: 400, body: '{"error":{"message":"model not found"}}' });
    await assert.rejects(
      client().embed(['x']),
      (e) => e instanceof EmbeddingError && /400: .*model not found/.test(e.message),
    );
    script.push({ status: 500, body: 'boom' });
    await assert.rejects(client({ retries: 0 }).embed(['x']), /answered 500: boom/);
    script.push({ status: 200, body: JSON.stringify({ data: [{ index: 0, embedding: [1, 2] }] }) });
    await assert.rejects(client().embed(['a', 'b']), /returned 1 vectors for 2 texts/);
    script.push({ status: 200, body: JSON.stringify({ data: [{ index: 0, embedding: ['x'] }] }) });
    await assert.rejects(client().embed(['a']), /malformed vector at index 0/);
    script.push({
      status: 200,
      body: JSON.stringify({
        data: [
          { index: 0, embedding: [1, 2] },
          { index: 1, embedding: [1, 2, 3] },
        ],
      }),
    });
    await assert.rejects(client().embed(['a', 'b']), /vectors of 2 and 3 dims/);
    script.push({ status: 200, body: '<html>' });
    await assert.rejects(client().embed(['a']), /did not answer JSON/);
    await assert.rejects(
      new OpenAiEmbeddings({ url: 'http://127.0.0.1:1', model: 'm', retries: 0 }).embed(['a']),
      /embedding request to http:\/\/127\.0\.0\.1:1\/v1\/embeddings failed/,
    );
  });

  test('base64 vectors are decoded too', async () => {
    const f = Float32Array.from([0.25, -2]);
    script.push({
      status: 200,
      body: JSON.stringify({ data: [{ index: 0, embedding: Buffer.from(f.buffer).toString('base64') }] }),
    });
    const [v] = await client().embed(['a']);
    assert.deepEqual([...(v ?? [])], [0.25, -2]);
  });

  test('endpoint URLs', () => {
    assert.equal(embeddingsEndpoint('https://api.openai.com/v1'), 'https://api.openai.com/v1/embeddings');
    assert.equal(embeddingsEndpoint('http://h:8000/'), 'http://h:8000/v1/embeddings');
    assert.equal(embeddingsEndpoint('http://h/v1/embeddings'), 'http://h/v1/embeddings');
    assert.equal(embeddingsEndpoint('http://h/openai/v1/'), 'http://h/openai/v1/embeddings');
  });
});

describe('LocalEmbeddings', () => {
  test('no model folder: a clear error naming the folder, nothing downloaded', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sward-model-')), 'all-MiniLM-L6-v2');
    const local = new LocalEmbeddings({ modelDir: dir });
    assert.equal(local.model, 'local:all-MiniLM-L6-v2');
    await assert.rejects(
      local.embed(['hello']),
      (e) =>
        e instanceof EmbeddingError &&
        e.message.includes(`expected a transformers.js model folder at ${dir}`) &&
        /never downloads models/.test(e.message),
    );
  });

  test('an incomplete folder: the error lists what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sward-model-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    mkdirSync(join(dir, 'onnx'));
    await assert.rejects(
      new LocalEmbeddings({ modelDir: dir }).embed(['hello']),
      new RegExp(`model folder at ${dir}.*missing tokenizer\\.json, onnx/\\*\\.onnx`),
    );
  });
});
