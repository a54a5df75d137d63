// The labeller's page: plain JS, no build step. It talks only to the coordinator's HTTP API; the session
// is the HttpOnly cookie set at sign-up. Text from items is always set with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const API = '/v1/labelling';
let current = null; // { project, task, shownAt, ranking: [] }

async function call(method, path, body) {
  const res = await fetch(API + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.error?.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

function show(view) {
  for (const el of document.querySelectorAll('.view')) el.hidden = el.id !== `view-${view}`;
  $('error').textContent = '';
}

const points = (micro) => (micro / 1e6).toFixed(2);
function showEarnings(e) {
  const parts = [`earned ${points(e.paid)} points`];
  if (e.held) parts.push(`${points(e.held)} held for review`);
  if (e.pendingTasks) parts.push(`${e.pendingTasks} tasks awaiting review`);
  $('earnings').textContent = parts.join(' · ');
}

async function start() {
  try {
    const me = await call('GET', '/me');
    $('who').textContent = me.labeller.name;
    showEarnings(me.earnings);
    await projects();
  } catch (e) {
    if (e.status === 401) show('signup');
    else fail(e);
  }
}

function fail(e) {
  $('error').textContent = e.message;
}

$('signup-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await call('POST', '/labellers', { name: $('signup-name').value });
    await start();
  } catch (e) {
    fail(e);
  }
});

async function projects() {
  const { projects } = await call('GET', '/work/projects');
  const list = $('project-list');
  list.replaceChildren();
  for (const p of projects) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.dataset.project = p.id;
    b.textContent = p.needsTest && !p.qualified ? 'Take the test' : 'Start';
    b.addEventListener('click', () => open(p));
    li.append(`${p.name} (${p.type}) `, b);
    list.append(li);
  }
  if (!projects.length) list.textContent = 'No projects yet.';
  show('projects');
}

async function open(p) {
  if (p.needsTest && !p.qualified) return test(p);
  current = { project: p };
  await next();
}

function choiceInput(name, type, k) {
  const box = document.createElement('div');
  if (type === 'ranking') {
    const input = document.createElement('input');
    input.name = name;
    input.required = true;
    input.placeholder = `best first, e.g. ${[...Array(k).keys()].join(',')}`;
    box.append(input);
    return box;
  }
  const values = type === 'rating' ? ['1', '2', '3', '4', '5'] : ['A', 'B', 'tie'];
  for (const v of values) {
    const label = document.createElement('label');
    const r = document.createElement('input');
    r.type = 'radio';
    r.name = name;
    r.value = v;
    r.required = true;
    label.append(r, ` ${v} `);
    box.append(label);
  }
  return box;
}

function renderResponses(container, responses, type) {
  container.replaceChildren();
  responses.forEach((text, i) => {
    const div = document.createElement('div');
    div.className = 'response';
    div.dataset.index = String(i);
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent =
      type === 'rating' ? 'Response' : type === 'pairwise' ? (i === 0 ? 'A' : 'B') : `#${i + 1}`;
    const body = document.createElement('span');
    body.textContent = text;
    div.append(tag, body);
    container.append(div);
  });
}

async function test(p) {
  const q = await call('GET', `/work/projects/${p.id}/qualification`);
  $('test-pass').textContent = `${Math.round(q.passScore * 100)}%`;
  $('test-rubric').textContent = q.rubric ?? '';
  $('test-rubric').hidden = !q.rubric;
  const box = $('test-questions');
  box.replaceChildren();
  for (const question of q.questions) {
    const fs = document.createElement('fieldset');
    fs.className = 'question';
    const prompt = document.createElement('div');
    prompt.className = 'prompt';
    prompt.textContent = question.prompt;
    const responses = document.createElement('div');
    responses.className = 'responses';
    renderResponses(responses, question.responses, q.type);
    fs.append(prompt, responses, choiceInput(`q${question.index}`, q.type, q.k));
    box.append(fs);
  }
  $('test-result').textContent = '';
  $('test-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const form = new FormData($('test-form'));
    const answers = q.questions.map((question) =>
      String(form.get(`q${question.index}`) ?? '').replace(/\s/g, ''),
    );
    try {
      const r = await call('POST', `/work/projects/${p.id}/qualification`, { answers });
      if (r.passed) {
        current = { project: p };
        await next();
      } else {
        $('test-result').textContent =
          r.attemptsLeft > 0
            ? `Not enough yet. You may retake it from ${new Date(r.retryAt).toLocaleTimeString()} (${r.attemptsLeft} ${r.attemptsLeft === 1 ? 'attempt' : 'attempts'} left).`
            : 'Not enough, and that was your last attempt: this project is closed to you.';
      }
    } catch (e) {
      fail(e);
    }
  };
  show('test');
}

async function next() {
  const p = current.project;
  const r = await call('GET', `/work/projects/${p.id}/next`);
  showEarnings(r.earnings);
  $('progress').textContent = `${r.progress.done} done`;
  $('progress-bar').style.width =
    `${Math.min(100, (100 * r.progress.done) / Math.max(1, r.progress.total))}%`;
  if (r.state === 'unqualified') return test(p);
  if (r.state !== 'task') {
    $('message').textContent =
      r.state === 'done'
        ? 'No more tasks in this project for you. Thank you!'
        : 'Your work on this project is being reviewed; no new tasks until then.';
    current = null;
    return show('message');
  }
  const t = r.task;
  current = { project: p, task: t, shownAt: performance.now(), ranking: [] };
  $('task-prompt').textContent = t.prompt;
  $('rubric').textContent = t.rubric ?? '';
  $('rubric-box').hidden = !t.rubric;
  renderResponses($('task-responses'), t.responses, t.type);
  renderControls(t);
  show('task');
}

function renderControls(t) {
  const box = $('task-controls');
  box.replaceChildren();
  const add = (label, key, answer) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.answer = answer;
    const k = document.createElement('kbd');
    k.textContent = key;
    b.append(`${label} `, k);
    b.addEventListener('click', () => submit(answer));
    box.append(b);
  };
  if (t.type === 'rating') {
    for (const v of ['1', '2', '3', '4', '5']) add(v, v, v);
    $('task-help').textContent = 'Rate with keys 1–5';
  } else if (t.type === 'pairwise') {
    add('A is better', 'a', 'A');
    add('B is better', 'b', 'B');
    add('Tie', 't', 'tie');
    $('task-help').textContent = 'Keys: a, b, t';
  } else {
    $('task-help').textContent = `Press 1–${t.k} in order, best first; Backspace undoes; Enter sends`;
    const order = document.createElement('p');
    order.id = 'ranking-order';
    box.append(order);
    for (let i = 0; i < t.k; i++) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `#${i + 1}`;
      b.addEventListener('click', () => rankPick(i));
      box.append(b);
    }
  }
}

function rankPick(i) {
  const r = current.ranking;
  if (r.includes(i)) return;
  r.push(i);
  showRanking();
  if (r.length === current.task.k) submit(r.join(','));
}

function showRanking() {
  $('ranking-order').textContent =
    `Your order: ${current.ranking.map((i) => `#${i + 1}`).join(' > ') || '—'}`;
  for (const el of document.querySelectorAll('#task-responses .response'))
    el.classList.toggle('picked', current.ranking.includes(Number(el.dataset.index)));
}

let sending = false;
async function submit(answer) {
  if (!current?.task || sending) return;
  sending = true;
  try {
    const clientMs = Math.round(performance.now() - current.shownAt);
    await call('POST', `/work/projects/${current.project.id}/tasks/${current.task.assignmentId}`, {
      answer,
      clientMs,
    });
    await next();
  } catch (e) {
    fail(e);
  } finally {
    sending = false;
  }
}

document.addEventListener('keydown', (ev) => {
  if (!current?.task || $('view-task').hidden || ev.target instanceof HTMLInputElement) return;
  const t = current.task;
  const key = ev.key.toLowerCase();
  if (t.type === 'rating' && /^[1-5]$/.test(key)) submit(key);
  else if (t.type === 'pairwise' && key === 'a') submit('A');
  else if (t.type === 'pairwise' && key === 'b') submit('B');
  else if (t.type === 'pairwise' && key === 't') submit('tie');
  else if (t.type === 'ranking' && /^[1-9]$/.test(key) && Number(key) <= t.k) rankPick(Number(key) - 1);
  else if (t.type === 'ranking' && key === 'backspace') {
    current.ranking.pop();
    showRanking();
  } else return;
  ev.preventDefault();
});

$('back-btn').addEventListener('click', () => projects().catch(fail));

start();
