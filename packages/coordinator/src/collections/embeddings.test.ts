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

// ---- a tiny but real transformers.js model folder, written by the test ----

/** Just enough protobuf to write an ONNX ModelProto (varints and length-delimited fields). */
const varint = (n: number) => {
  const out: number[] = [];
  let v = n;
  do {
    out.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
  return Buffer.from(out);
};
const int = (field: number, v: number) => Buffer.concat([varint(field << 3), varint(v)]);
const bytes = (field: number, v: Buffer | string) => {
  const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
};
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));
const FLOAT = 1;
const INT64 = 7;
/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type, shape { dim* } } } } */
const valueInfo = (field: number, name: string, elem: number, dims: (string | number)[]) =>
  msg(
    field,
    bytes(1, name),
    msg(
      2,
      msg(
        1,
        int(1, elem),
        msg(2, ...dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : bytes(2, d)))),
      ),
    ),
  );

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', 'sward', '##s'];
/** The token vectors: row i of the model's embedding table, easy to average by hand. */
const tokenVector = (id: number) => [id, id % 3, 1, -id / 2];

/** A BERT-shaped ONNX graph: last_hidden_state = Gather(table, input_ids), 4 dims per token. */
function onnxModel(): Buffer {
  const table = Buffer.from(Float32Array.from(VOCAB.flatMap((_, i) => tokenVector(i))).buffer);
  const graph = Buffer.concat([
    msg(1, bytes(1, 'table'), bytes(1, 'input_ids'), bytes(2, 'last_hidden_state'), bytes(4, 'Gather')),
    bytes(2, 'tiny'),
    msg(5, int(1, VOCAB.length), int(1, 4), int(2, FLOAT), bytes(8, 'table'), bytes(9, table)),
    valueInfo(11, 'input_ids', INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch', 'sequence', 4]),
  ]);
  // ModelProto { ir_version 8, producer_name, graph, opset_import { domain '', version 13 } }
  return Buffer.concat([int(1, 8), bytes(2, 'sward-test'), msg(7, graph), msg(8, bytes(1, ''), int(2, 13))]);
}

/** config.json, a WordPiece tokenizer.json (BERT normalizer, [CLS] … [SEP]), tokenizer_config.json, onnx/model.onnx. */
function writeTinyModel(dir: string): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), onnxModel());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: 4,
      vocab_size: VOCAB.length,
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 32,
      ...{
        cls_token: '[CLS]',
        sep_token: '[SEP]',
        pad_token: '[PAD]',
        unk_token: '[UNK]',
        mask_token: '[MASK]',
      },
    }),
  );
  const special = (id: number) => ({
    id,
    content: VOCAB[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
  const sep = (type_id: number) => ({ SpecialToken: { id: '[SEP]', type_id } });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [0, 1, 2, 3, 4].map(special),
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase: true,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep(0)],
        pair: [
          cls,
          { Sequence: { id: 'A', type_id: 0 } },
          sep(0),
          { Sequence: { id: 'B', type_id: 1 } },
          sep(1),
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
      },
    }),
  );
  return dir;
}

/** What the model must give: the mean of the token vectors (with [CLS] and [SEP]), optionally unit length. */
function expected(tokens: string[], normalize = true): number[] {
  const ids = ['[CLS]', ...tokens, '[SEP]'].map((t) => VOCAB.indexOf(t));
  const mean = [0, 1, 2, 3].map((d) => ids.reduce((s, id) => s + (tokenVector(id)[d] ?? 0), 0) / ids.length);
  const norm = Math.hypot(...mean);
  return normalize ? mean.map((x) => x / norm) : mean;
}

const near = (actual: Float32Array | undefined, want: number[]) => {
  assert.ok(actual, 'a vector');
  assert.equal(actual.length, want.length);
  actual.forEach((x, i) => {
    assert.ok(Math.abs(x - (want[i] ?? Number.NaN)) < 1e-5, `${[...actual]} ≉ ${want}`);
  });
};

const TRANSFORMERS = '@huggingface/transformers';
interface TransformersEnv {
  env: { allowRemoteModels: boolean; remoteHost: string; fetch: (url: string) => Promise<unknown> };
}

describe('LocalEmbeddings through @huggingface/transformers', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sward-model-'));

  test('embeds with a real (tiny) model folder: tokenizer, ONNX runtime, mean pooling over the mask, batches', async () => {
    const dir = writeTinyModel(join(tmp, 'tiny-bert'));
    const texts = ['Hello world', 'sward swards', 'hello', 'WORLD?'];
    const local = new LocalEmbeddings({ modelDir: dir, batchSize: 3 });
    assert.equal(local.model, 'local:tiny-bert');
    const vecs = await local.embed(texts);
    assert.equal(vecs.length, 4);
    assert.ok(vecs.every((v) => v instanceof Float32Array));
    // 'sward swards' is the longest text of the first batch: the others are padded, and padding must not count
    near(vecs[0], expected(['hello', 'world']));
    near(vecs[1], expected(['sward', 'sward', '##s']));
    near(vecs[2], expected(['hello']));
    near(vecs[3], expected(['world', '[UNK]'])); // lower-cased; '?' is split off and unknown
    near((await local.embed(['hello']))[0], expected(['hello'])); // the same alone as in a batch
    assert.deepEqual(await local.embed([]), []);

    const raw = await new LocalEmbeddings({ modelDir: dir, normalize: false }).embed(['Hello world']);
    near(raw[0], expected(['hello', 'world'], false));
    const cls = await new LocalEmbeddings({ modelDir: dir, pooling: 'cls' }).embed(['hello', 'sward']);
    const clsVector = tokenVector(VOCAB.indexOf('[CLS]'));
    for (const v of cls)
      near(
        v,
        clsVector.map((x) => x / Math.hypot(...clsVector)),
      );
  });

  test('never touches the network, even when the library was set up to download', async () => {
    let hits = 0;
    const hub = createServer((_req, res) => {
      hits++;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
    const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
    const lib = (await import(TRANSFORMERS)) as TransformersEnv;
    const before = { remoteHost: lib.env.remoteHost, fetch: lib.env.fetch };
    try {
      lib.env.remoteHost = hubUrl;
      lib.env.allowRemoteModels = true;
      lib.env.fetch = globalThis.fetch;
      // a folder named like a Hub model id, with a broken graph: the library might be tempted to look online
      const dir = writeTinyModel(join(tmp, 'all-MiniLM-L6-v2'));
      writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not an ONNX graph');
      await assert.rejects(new LocalEmbeddings({ modelDir: dir }).embed(['hello']), EmbeddingError);
      await new LocalEmbeddings({ modelDir: writeTinyModel(join(tmp, 'Xenova-tiny')) }).embed(['hello']);
      assert.equal(lib.env.allowRemoteModels, false);
      await assert.rejects(lib.env.fetch(`${hubUrl}x/resolve/main/config.json`), /never download.*refused/);
      assert.equal(hits, 0);
    } finally {
      Object.assign(lib.env, before);
      await new Promise<void>((r) => hub.close(() => r()));
    }
  });

  test('a folder with a broken ONNX file: "cannot load", naming the folder and the file', async () => {
    const dir = writeTinyModel(join(tmp, 'broken'));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from('garbage, not protobuf'));
    await assert.rejects(
      new LocalEmbeddings({ modelDir: dir }).embed(['hello']),
      (e) =>
        e instanceof EmbeddingError &&
        e.message.startsWith(`cannot load the local embedding model in ${dir}: `) &&
        e.message.includes(join(dir, 'onnx', 'model.onnx')),
    );
    // asking for the quantized graph that is not there
    await assert.rejects(
      new LocalEmbeddings({ modelDir: writeTinyModel(join(tmp, 'fp32-only')), quantized: true }).embed(['x']),
      (e) => e instanceof EmbeddingError && /cannot load .*fp32-only.*model_quantized\.onnx/.test(e.message),
    );
  });

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

  test('an incomplete folder: the error lists what is missing; filled in, the next call works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sward-model-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model_fp16.onnx'), '');
    const local = new LocalEmbeddings({ modelDir: dir });
    await assert.rejects(local.embed(['hello']), (e) => {
      assert.ok(e instanceof EmbeddingError);
      assert.ok(e.message.includes(`model folder at ${dir}`), e.message);
      assert.ok(
        e.message.endsWith(
          'missing tokenizer.json, tokenizer_config.json, onnx/model.onnx (or onnx/model_quantized.onnx)',
        ),
        e.message,
      );
      return true;
    });
    writeTinyModel(dir);
    near((await local.embed(['hello']))[0], expected(['hello']));
  });
});
