import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Importer, importOptional, OptionalDependencyError } from '../optional-dependency.js';

/** Turns texts into vectors. `model` is stored beside every vector so a model change re-embeds. */
export interface EmbeddingProvider {
  readonly model: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export class EmbeddingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddingError';
  }
}

export interface OpenAiEmbeddingsOptions {
  /**
   * The server: 'https://api.openai.com/v1', 'http://127.0.0.1:8000' (…/v1/embeddings is added) or the
   * full '…/embeddings' endpoint. Any OpenAI-compatible server works (vLLM, llama.cpp, Ollama, TEI…).
   */
  url: string;
  model: string;
  apiKey?: string;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Ask for shorter vectors, for models that support it. */
  dimensions?: number;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Retries on 429 / 5xx / network errors, with exponential backoff from `retryDelayMs` (default 3, 500). */
  retries?: number;
  retryDelayMs?: number;
}

/** Client of the OpenAI `/v1/embeddings` API, batched, with retries, and strict about what comes back. */
export class OpenAiEmbeddings implements EmbeddingProvider {
  readonly model: string;
  private readonly endpoint: string;

  constructor(private readonly opts: OpenAiEmbeddingsOptions) {
    this.model = opts.model;
    this.endpoint = embeddingsEndpoint(opts.url);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const size = Math.max(1, this.opts.batchSize ?? 64);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.batch(texts.slice(i, i + size))));
    return out;
  }

  private async batch(input: readonly string[]): Promise<Float32Array[]> {
    const body = JSON.stringify({
      model: this.model,
      input,
      encoding_format: 'float',
      ...(this.opts.dimensions ? { dimensions: this.opts.dimensions } : {}),
    });
    const retries = this.opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
        });
      } catch (e) {
        if (attempt < retries) {
          await this.pause(attempt);
          continue;
        }
        throw new EmbeddingError(`embedding request to ${this.endpoint} failed: ${(e as Error).message}`, {
          cause: e,
        });
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await res.body?.cancel();
        await this.pause(attempt, res.headers.get('retry-after'));
        continue;
      }
      const text = await res.text();
      if (!res.ok)
        throw new EmbeddingError(
          `embedding server ${this.endpoint} answered ${res.status}: ${text.slice(0, 300)}`,
        );
      return this.parse(text, input.length);
    }
  }

  private parse(text: string, n: number): Float32Array[] {
    let json: { data?: { index?: number; embedding?: unknown }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new EmbeddingError(
        `embedding server ${this.endpoint} did not answer JSON: ${text.slice(0, 200)}`,
      );
    }
    const data = json.data;
    if (!Array.isArray(data) || data.length !== n)
      throw new EmbeddingError(
        `embedding server ${this.endpoint} returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${n} texts`,
      );
    const out: Float32Array[] = new Array(n);
    let dims = -1;
    data.forEach((d, i) => {
      const at = typeof d.index === 'number' ? d.index : i;
      const e = d.embedding;
      const v =
        typeof e === 'string' ? base64Floats(e) : Array.isArray(e) ? Float32Array.from(e as number[]) : null;
      if (!v || at < 0 || at >= n || out[at] || !v.every(Number.isFinite))
        throw new EmbeddingError(
          `embedding server ${this.endpoint} returned a malformed vector at index ${at}`,
        );
      if (dims !== -1 && v.length !== dims)
        throw new EmbeddingError(
          `embedding server ${this.endpoint} returned vectors of ${dims} and ${v.length} dims`,
        );
      dims = v.length;
      out[at] = v;
    });
    return out;
  }

  private pause(attempt: number, retryAfter?: string | null): Promise<void> {
    const told = Number(retryAfter);
    const ms =
      Number.isFinite(told) && told > 0
        ? Math.min(told * 1000, 30_000)
        : (this.opts.retryDelayMs ?? 500) * 2 ** attempt;
    return new Promise((r) => setTimeout(r, ms));
  }
}

export function embeddingsEndpoint(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/embeddings'))
    u.pathname = path.endsWith('/v1') ? `${path}/embeddings` : `${path}/v1/embeddings`;
  return u.href;
}

function base64Floats(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength - (b.byteLength % 4));
  copy.set(b.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}

export interface LocalEmbeddingsOptions {
  /**
   * A transformers.js model folder on this machine (config.json, tokenizer.json, tokenizer_config.json,
   * onnx/model.onnx or onnx/model_quantized.onnx), e.g. an exported sentence-transformers model.
   * Nothing is ever downloaded: no npm package ships such a model, so the operator puts one there.
   */
  modelDir: string;
  /** How token vectors become one (default 'mean'; 'cls' for models trained that way, e.g. BGE). */
  pooling?: 'mean' | 'cls';
  /** Unit-length vectors (default true). */
  normalize?: boolean;
  /** Use onnx/model_quantized.onnx (default: whichever exists, quantized first). */
  quantized?: boolean;
  batchSize?: number;
  /** How @huggingface/transformers is imported (an optional peer dependency); tests pass a failing one. */
  importer?: Importer;
}

type FeatureExtractor = (
  texts: string[],
  opts: { pooling: string; normalize: boolean },
) => Promise<{ dims: number[]; data: ArrayLike<number> }>;

/** The part of @huggingface/transformers this file uses (its own types are large; tsc need not load them). */
interface Transformers {
  env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    useFSCache: boolean;
    useBrowserCache: boolean;
    fetch: (input: string | URL, init?: unknown) => Promise<unknown>;
  };
  pipeline: (task: string, model: string, opts: Record<string, unknown>) => Promise<FeatureExtractor>;
}

/**
 * Embeds on this machine with @huggingface/transformers (ONNX runtime, CPU) from a model folder, with
 * every way to the network switched off: a coordinator must never fetch weights behind the operator's
 * back. The library and its native runtime are imported on first use only, so a coordinator without a
 * local model never loads them.
 */
export class LocalEmbeddings implements EmbeddingProvider {
  readonly model: string;
  private readonly dir: string;
  private extractor: Promise<FeatureExtractor> | null = null;

  constructor(private readonly opts: LocalEmbeddingsOptions) {
    this.dir = resolve(opts.modelDir);
    this.model = `local:${basename(this.dir)}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (!this.extractor)
      this.extractor = this.load().catch((e) => {
        this.extractor = null; // a folder filled in later is picked up on the next call
        throw e;
      });
    const extract = await this.extractor;
    const size = Math.max(1, this.opts.batchSize ?? 32);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) {
      const batch = texts.slice(i, i + size);
      const t = await extract(batch, {
        pooling: this.opts.pooling ?? 'mean',
        normalize: this.opts.normalize ?? true,
      });
      const dims = t.dims[t.dims.length - 1] ?? 0;
      for (let j = 0; j < batch.length; j++)
        out.push(Float32Array.from(Array.prototype.slice.call(t.data, j * dims, (j + 1) * dims)));
    }
    return out;
  }

  private async load(): Promise<FeatureExtractor> {
    const onnx = checkModelDir(this.dir);
    let lib: Transformers;
    try {
      lib = await importOptional<Transformers>(TRANSFORMERS, 'local embeddings', this.opts.importer);
    } catch (e) {
      if (e instanceof OptionalDependencyError)
        throw new EmbeddingError(`${e.message} (or use an OpenAI-compatible embedding server)`, { cause: e });
      throw new EmbeddingError(
        `local embeddings cannot load ${TRANSFORMERS}: ${(e as Error).message}; ` +
          `reinstall the dependencies (npm ci), or use an OpenAI-compatible embedding server`,
        { cause: e },
      );
    }
    offline(lib);
    const quantized = this.opts.quantized ?? onnx.includes('model_quantized.onnx');
    try {
      // An absolute path is not a Hub model id, so the library reads the folder and nothing else.
      return await lib.pipeline('feature-extraction', this.dir, {
        local_files_only: true,
        dtype: quantized ? 'q8' : 'fp32',
      });
    } catch (e) {
      throw new EmbeddingError(
        `cannot load the local embedding model in ${this.dir}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }
}

// a variable, so TypeScript does not load the package's (large) type definitions
const TRANSFORMERS = '@huggingface/transformers';

/**
 * Every switch between transformers.js and the network, off. `allowRemoteModels = false` is what stops
 * Hub look-ups that ignore `local_files_only` (the tokenizer_config.json probe asks with no options);
 * the file caches could serve a stale copy instead of the folder; and a refusing `fetch` makes any
 * path the library might add later fail loudly instead of downloading.
 */
function offline(lib: Transformers): void {
  lib.env.allowRemoteModels = false;
  lib.env.allowLocalModels = true;
  lib.env.useFSCache = false;
  lib.env.useBrowserCache = false;
  lib.env.fetch = (input) =>
    Promise.reject(new EmbeddingError(`local embeddings never download; refused to fetch ${String(input)}`));
}

const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const ONNX_FILES = ['model.onnx', 'model_quantized.onnx'];

/** The folder must look like a transformers.js model before the runtime is even loaded; returns its ONNX files. */
export function checkModelDir(dir: string): string[] {
  const expected = `expected a transformers.js model folder at ${dir} (${MODEL_FILES.join(', ')}, onnx/model.onnx)`;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new EmbeddingError(
      `local embedding model not found: ${expected}; Sward never downloads models, put one there`,
    );
  const missing = MODEL_FILES.filter((f) => !existsSync(join(dir, f)));
  const onnxDir = join(dir, 'onnx');
  const onnx = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => ONNX_FILES.includes(f)) : [];
  if (!onnx.length) missing.push('onnx/model.onnx (or onnx/model_quantized.onnx)');
  if (missing.length)
    throw new EmbeddingError(`local embedding model incomplete: ${expected}; missing ${missing.join(', ')}`);
  return onnx;
}
