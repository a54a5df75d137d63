import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openAnchor } from './anchor/open-anchor.js';
import { EmbeddingError, LocalEmbeddings } from './collections/embeddings.js';
import { usearchUnavailableReason } from './collections/vector-index.js';
import { type Importer, importOptional, OptionalDependencyError } from './optional-dependency.js';

const dir = mkdtempSync(join(tmpdir(), 'sward-optional-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What Node throws for `import('x')` when x is not installed. */
const notInstalled: Importer = async (specifier) => {
  throw Object.assign(new Error(`Cannot find package '${specifier}' imported from ${dir}`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
};

test('a missing optional package names the feature, the package and the command that adds it', async () => {
  await assert.rejects(importOptional('some-lib', 'fancy things', notInstalled), (e: unknown) => {
    assert.ok(e instanceof OptionalDependencyError);
    assert.equal(e.packageName, 'some-lib');
    assert.equal(e.message, 'fancy things need some-lib, which is not installed: npm install some-lib');
    assert.match(String((e.cause as Error).message), /Cannot find package 'some-lib'/);
    return true;
  });
});

test('any other failure while loading is not reported as a missing package', async () => {
  const broken: Importer = async () => {
    throw new SyntaxError('Unexpected token in some-lib/index.js');
  };
  await assert.rejects(importOptional('some-lib', 'fancy things', broken), SyntaxError);
  assert.deepEqual(await importOptional('x', 'y', async () => ({ ok: 1 })), { ok: 1 });
});

test('a Solana anchor without @solana/kit fails before touching the keypair, saying what to install', async () => {
  await assert.rejects(
    openAnchor(
      { kind: 'solana', rpcUrl: 'http://127.0.0.1:9', keypairPath: join(dir, 'none.json') },
      notInstalled,
    ),
    /Solana anchors need @solana\/kit, which is not installed: npm install @solana\/kit/,
  );
});

test('local embeddings without @huggingface/transformers say how to add it', async () => {
  const model = join(dir, 'model');
  mkdirSync(join(model, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'])
    writeFileSync(join(model, f), '{}');
  const embeddings = new LocalEmbeddings({ modelDir: model, importer: notInstalled });
  await assert.rejects(embeddings.embed(['hello']), (e: unknown) => {
    assert.ok(e instanceof EmbeddingError);
    assert.match(e.message, /^local embeddings need @huggingface\/transformers, which is not installed/);
    assert.match(e.message, /npm install @huggingface\/transformers/);
    return true;
  });
});

test('without usearch the vector index says exact search is used and how to get the HNSW graph', () => {
  const missing = Object.assign(new Error("Cannot find module 'usearch'"), { code: 'MODULE_NOT_FOUND' });
  assert.match(
    usearchUnavailableReason(missing),
    /needs? usearch, which is not installed: npm install usearch/,
  );
  assert.match(usearchUnavailableReason(missing), /exact search is used meanwhile/);
  assert.equal(usearchUnavailableReason(new Error('bad ELF header')), 'bad ELF header');
});
