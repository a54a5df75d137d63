import type { RowProof, RowProofCheck } from '@sward/core/row-proof';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { describe, Facts, html, short } from '../ui.js';

const STEP_LABEL: Record<RowProofCheck['step'], string> = {
  signature: 'Node signature',
  checkpoint: 'Checkpoint signature',
  inclusion: 'Inclusion proof',
};

/**
 * Verifies one row in the browser with core's own verifyRowProof: the proof comes from GET /v1/proofs
 * (or is pasted), the log key from GET /v1/log/key unless the visitor pins the key they trust.
 */
export function ProofsPage({ api, captureId }: { api: Api; captureId?: string }) {
  const [id, setId] = useState(captureId ?? '');
  const [pasted, setPasted] = useState('');
  const [pinnedKey, setPinnedKey] = useState('');
  const [result, setResult] = useState<{ proof: RowProof; key: string; checks: RowProofCheck[] } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (source: { captureId: string } | { json: string }) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const proof: RowProof =
        'json' in source
          ? (JSON.parse(source.json) as RowProof)
          : await api.get<RowProof>(`/v1/proofs?captureId=${encodeURIComponent(source.captureId)}`);
      const key = pinnedKey.trim() || (await api.get<string>('/v1/log/key')).trim();
      // Loaded on first use: core's checks bring zod (its capture schema), most of the console's bytes.
      const { verifyRowProof } = await import('../verify.js');
      setResult({ proof, key, checks: verifyRowProof(proof, key) });
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (captureId) void run({ captureId });
  }, [captureId]);

  const ok = result?.checks.every((c) => c.ok);
  return html`<section aria-labelledby="proofs-h">
    <h2 id="proofs-h">Proof explorer</h2>
    <p class="muted">
      Checks a row here, in your browser, with the same code as <span class="mono">sward verify</span>: the node's
      signature over the capture, the log's signature over the checkpoint, and the row's inclusion under it.
    </p>
    <form
      class="card"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void run({ captureId: id.trim() });
      }}
    >
      <label for="proof-capture">Capture id</label>
      <div class="row">
        <input id="proof-capture" value=${id} onInput=${(e: Event) => setId((e.target as HTMLInputElement).value)} placeholder="c_…" required />
        <button type="submit" id="proof-verify" disabled=${busy}>Verify</button>
      </div>
      <label for="proof-key">Log key to trust (optional; default: this coordinator's)</label>
      <input id="proof-key" class="mono" value=${pinnedKey} onInput=${(e: Event) => setPinnedKey((e.target as HTMLInputElement).value)} placeholder="name+keyid+base64" />
    </form>
    <details class="card">
      <summary>Verify a proof you have (JSON of GET /v1/proofs)</summary>
      <label for="proof-json">Proof JSON</label>
      <textarea id="proof-json" rows="6" value=${pasted} onInput=${(e: Event) => setPasted((e.target as HTMLTextAreaElement).value)}></textarea>
      <button type="button" id="proof-verify-json" onClick=${() => run({ json: pasted })}>Verify this proof</button>
    </details>
    ${error ? html`<p class="error" role="alert" id="proof-error">${error}</p>` : null}
    ${
      result
        ? html`<div class="card" aria-live="polite">
            <h3 id="proof-verdict" class=${ok ? 'pass' : 'fail'}>${ok ? 'verified' : 'failed'}</h3>
            <ul class="checks">
              ${result.checks.map(
                (c) => html`<li class=${c.ok ? 'pass' : 'fail'} data-step=${c.step}>
                  <strong>${STEP_LABEL[c.step]}: ${c.ok ? 'passed' : 'failed'}</strong> <span>${c.detail}</span>
                </li>`,
              )}
            </ul>
            <${Facts} items=${proofFacts(result.proof, result.key)} />
          </div>`
        : null
    }
  </section>`;
}

/** What the proof says about its row, read defensively: a pasted proof may be any JSON. */
function proofFacts(proof: RowProof, key: string): [string, string | number][] {
  const p = proof as Partial<RowProof> | null;
  const capture = (p?.record?.capture ?? {}) as { requestedUrl?: unknown; fetchEnd?: unknown };
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : '—');
  return [
    ['Capture', text(p?.captureId)],
    ['URL', text(capture.requestedUrl)],
    ['Fetched', text(capture.fetchEnd)],
    ['Leaf', text(p?.leafIndex)],
    ['Checkpoint size', text(p?.checkpoint?.size)],
    ['Log key', short(key, 48)],
  ];
}
