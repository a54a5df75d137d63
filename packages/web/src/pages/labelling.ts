import type { LabellingProjectStatus } from '@sward/core';
import type { Api } from '../api.js';
import { Facts, html, points, show, Table, useLoad } from '../ui.js';

interface ProjectRow {
  id: string;
  name: string;
  type: string;
}

/** A customer's labelling projects (labelling:owner): their progress and flagged labellers. */
export function ProjectsPage({ api, id }: { api: Api; id?: string }) {
  const list = useLoad(() => api.get<{ projects: ProjectRow[] }>('/v1/labelling/projects'), []);
  const one = useLoad(
    () =>
      id
        ? api.get<LabellingProjectStatus>(`/v1/labelling/projects/${encodeURIComponent(id)}`)
        : Promise.resolve(null),
    [id],
    10_000,
  );
  return html`<section aria-labelledby="proj-h">
    <h2 id="proj-h">Labelling projects</h2>
    ${show(
      list,
      (d) => html`<${Table}
        caption="Your labelling projects"
        rows=${d.projects}
        empty="No project yet."
        columns=${[
          { label: 'Name', cell: (p: ProjectRow) => html`<a href=${`#/projects/${p.id}`}>${p.name}</a>` },
          { label: 'Type', cell: (p: ProjectRow) => p.type },
        ]}
      />`,
    )}
    ${
      id
        ? show(one, (s) =>
            s
              ? html`<div class="card">
                  <h3>${s.project.name}</h3>
                  <${Facts}
                    items=${[
                      ['Tasks issued', html`<span id="proj-issued">${s.tasksIssued}</span>`],
                      ['Labels', s.labels],
                      ['Labellers', s.labellers],
                      ['Flagged labellers', s.flags.length],
                    ]}
                  />
                  ${s.flags.map((f) => html`<p><span class="mono">${f.labellerId}</span> ${f.state}: ${f.reasons.join('; ')}</p>`)}
                </div>`
              : null,
          )
        : null
    }
  </section>`;
}

interface LabellerProject {
  id: string;
  name: string;
  type: string;
  needsTest: boolean;
  qualified: boolean;
}

/** A labeller's own page: earnings, the projects open to them, and the task page to label in. */
export function TasksPage({ api }: { api: Api }) {
  const me = useLoad(
    () =>
      api.get<{
        labeller: { id: string; name: string };
        earnings: { paid: number; held: number; pendingTasks: number; tasksDone: number };
      }>('/v1/labelling/me'),
    [],
    15_000,
  );
  const projects = useLoad(() => api.get<{ projects: LabellerProject[] }>('/v1/labelling/work/projects'), []);
  return html`<section aria-labelledby="tasks-h">
    <h2 id="tasks-h">My tasks</h2>
    ${show(
      me,
      (m) => html`<div class="card">
        <h3>${m.labeller.name}</h3>
        <${Facts}
          items=${[
            ['Earned', html`<span id="lab-paid">${points(m.earnings.paid)}</span>`],
            ['Held', points(m.earnings.held)],
            ['Tasks done', m.earnings.tasksDone],
            ['Awaiting judgement', m.earnings.pendingTasks],
          ]}
        />
      </div>`,
    )}
    ${show(
      projects,
      (d) => html`<${Table}
        caption="Projects open to you"
        rows=${d.projects}
        empty="No project is open."
        columns=${[
          { label: 'Project', cell: (p: LabellerProject) => p.name },
          { label: 'Type', cell: (p: LabellerProject) => p.type },
          {
            label: 'Test',
            cell: (p: LabellerProject) => (p.needsTest ? (p.qualified ? 'passed' : 'to take') : 'none'),
          },
        ]}
      />
      <p><a href="/label" class="button" id="open-task-page">Open the task page</a></p>`,
    )}
  </section>`;
}
