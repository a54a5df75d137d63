import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, type Credential, type Identity, saveCredential, savedCredential } from './api.js';
import { AuditPage, FlagsPage, KeysPage, NodesPage, TakedownsPage } from './pages/admin.js';
import { CollectionPage, CollectionsPage } from './pages/collections.js';
import { JobPage, JobsPage } from './pages/jobs.js';
import { ProjectsPage, TasksPage } from './pages/labelling.js';
import { MyOperatorPage, OperatorsPage } from './pages/operator.js';
import { ProofsPage } from './pages/proofs.js';
import { type Section, sectionsFor } from './sections.js';
import { describe, html } from './ui.js';

/** The hash route, e.g. #/jobs/j_1 → ['jobs', 'j_1']. */
function useRoute(): string[] {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A session token's kind by its prefix: API keys are sk_…, labeller sessions lt_…, node sessions st_…. */
const credentialOf = (secret: string): Credential => ({
  kind: secret.startsWith('sk_') ? 'key' : 'session',
  secret,
});

function SignIn({ onSignedIn }: { onSignedIn: (api: Api, who: Identity) => void }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const attempt = async (c: Credential) => {
    setError(null);
    const api = new Api(c);
    try {
      onSignedIn(api, await api.identify());
      saveCredential(c);
    } catch (e) {
      setError(describe(e));
    }
  };
  return html`<main id="main" class="signin">
    <h1>Sward console</h1>
    <form
      class="card"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void attempt(credentialOf(secret.trim()));
      }}
    >
      <h2>Sign in</h2>
      <label for="signin-secret">API key or session token</label>
      <input id="signin-secret" type="password" autocomplete="off" value=${secret} required onInput=${(e: Event) => setSecret((e.target as HTMLInputElement).value)} />
      <p class="muted">Kept in this tab only (session storage) and sent only to this coordinator.</p>
      <button type="submit" id="signin-btn">Sign in</button>
      ${error ? html`<p class="error" role="alert" id="signin-error">${error}</p>` : null}
    </form>
    <div class="card">
      <h2>Labellers</h2>
      <p>Signed up on the <a href="/label">task page</a> in this browser?</p>
      <button type="button" id="signin-labeller" onClick=${() => attempt({ kind: 'cookie', secret: '' })}>
        Continue with my labeller session
      </button>
    </div>
  </main>`;
}

function whoLine(who: Identity): string {
  if (who.kind === 'labeller') return `labeller ${who.labeller.name}`;
  if (who.kind === 'node') return `operator ${who.status.operator.slice(0, 16)}…`;
  return `${who.key.name} · ${who.key.role} · tenant ${who.key.tenant}`;
}

function Page({ api, route, sections }: { api: Api; route: string[]; sections: Section[] }) {
  const [id, arg] = route;
  const allowed = sections.find((s) => s.id === id);
  if (!allowed) {
    const first = sections[0];
    if (!first) return html`<p>This credential opens no section of the console.</p>`;
    location.replace(`#/${first.id}`);
    return null;
  }
  switch (id) {
    case 'jobs':
      return arg ? html`<${JobPage} api=${api} id=${arg} />` : html`<${JobsPage} api=${api} />`;
    case 'proofs':
      return html`<${ProofsPage} api=${api} captureId=${arg} key=${arg ?? ''} />`;
    case 'collections':
      return arg ? html`<${CollectionPage} api=${api} id=${arg} />` : html`<${CollectionsPage} api=${api} />`;
    case 'projects':
      return html`<${ProjectsPage} api=${api} id=${arg} />`;
    case 'operators':
      return html`<${OperatorsPage} api=${api} operator=${arg} key=${arg ?? ''} />`;
    case 'operator':
      return html`<${MyOperatorPage} api=${api} />`;
    case 'flags':
      return html`<${FlagsPage} api=${api} />`;
    case 'nodes':
      return html`<${NodesPage} api=${api} />`;
    case 'keys':
      return html`<${KeysPage} api=${api} />`;
    case 'audit':
      return html`<${AuditPage} api=${api} />`;
    case 'takedowns':
      return html`<${TakedownsPage} api=${api} />`;
    case 'tasks':
      return html`<${TasksPage} api=${api} />`;
    default:
      return null;
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<{ api: Api; who: Identity } | null>(null);
  const [restoring, setRestoring] = useState(() => savedCredential() !== null);
  useEffect(() => {
    const c = savedCredential();
    if (!c) return;
    const api = new Api(c);
    api.identify().then(
      (who) => {
        setSession({ api, who });
        setRestoring(false);
      },
      () => {
        saveCredential(null);
        setRestoring(false);
      },
    );
  }, []);
  if (restoring) return html`<main id="main"><p class="muted">Signing in…</p></main>`;
  if (!session)
    return html`<${SignIn} onSignedIn=${(api: Api, who: Identity) => setSession({ api, who })} />`;
  const sections = sectionsFor(session.who);
  const groups = [...new Set(sections.map((s) => s.group))];
  return html`<a href="#main" class="skip" onClick=${(e: Event) => {
    e.preventDefault();
    document.getElementById('main')?.focus();
  }}>Skip to content</a>
    <header class="top">
      <h1><a href="#/">Sward console</a></h1>
      <p class="who" id="who">${whoLine(session.who)}</p>
      <button
        type="button"
        id="signout"
        onClick=${() => {
          saveCredential(null);
          setSession(null);
        }}
      >
        Sign out
      </button>
    </header>
    <nav class="side" aria-label="Sections">
      ${groups.map(
        (g) => html`<div>
          <h2 class="group">${g}</h2>
          <ul>
            ${sections
              .filter((s) => s.group === g)
              .map(
                (s) => html`<li>
                  <a href=${`#/${s.id}`} id=${`nav-${s.id}`} aria-current=${route[0] === s.id ? 'page' : undefined}>${s.label}</a>
                </li>`,
              )}
          </ul>
        </div>`,
      )}
    </nav>
    <main id="main" tabindex="-1">
      <${Page} api=${session.api} route=${route} sections=${sections} />
    </main>`;
}

const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
