import type { SqlDriver } from '../store/sql-driver.js';
import { aggregateAccepted } from './aggregate-accepted.js';
import { datasetCard, type ExportStats } from './dataset-card.js';
import { labellingCroissant } from './export-croissant.js';
import {
  annotationsTable,
  type ExportFiles,
  type ExportTable,
  exportFiles,
  preferencesTable,
  ratingsTable,
} from './export-files.js';
import { annotationRows, exportRows } from './export-rows.js';
import type { LabelItem } from './items-file.js';
import type { Project } from './projects.js';
import type { Settlement } from './settlement.js';
import { nominalAlpha } from './spam-detect.js';
import type { Submissions } from './submissions.js';
import { answerClasses } from './task-types.js';

/**
 * A project's results as files. Labels of workers with a flag that is open or confirmed are dropped;
 * what is left is aggregated with Dawid–Skene. Ratings projects export ratings; pairwise and ranking
 * projects export both preferences (TRL's layout) and ratings; every project exports its raw annotations
 * (flagged labellers' too, marked), croissant.json and the dataset card.
 */
export class ProjectExport {
  constructor(
    private readonly db: SqlDriver,
    private readonly submissions: Submissions,
    private readonly settlement: Settlement,
  ) {}

  /** `labels`: each labelled item's aggregate label (what a catalogue version's changes compare). */
  async build(
    project: Project,
  ): Promise<{ files: ExportFiles; stats: ExportStats; labels: ReadonlyMap<string, string> }> {
    const events = await this.submissions.events(project);
    const gold = await this.submissions.gold(project);
    const flags = await this.settlement.flags(project.id);
    const flagged = new Set([...flags].filter(([, s]) => s !== 'cleared').map(([w]) => w));
    const classes = answerClasses(project.type, project.k);
    const agg = aggregateAccepted(events, gold, classes, flagged);
    const items = await this.items(project);
    const rows = exportRows(project.type, items, agg);
    const allAlpha = nominalAlpha(events, classes);
    const keptAlpha = nominalAlpha(
      events.filter((e) => !flagged.has(e.worker)),
      classes,
    );
    const confidences = [...agg.confidence.values()];
    const workers = new Set(events.map((e) => e.worker));
    const stats: ExportStats = {
      name: project.name,
      license: project.license,
      taskType: project.type,
      items: project.items,
      itemsLabelled: agg.labels.size,
      preferenceRows: rows.preferences.length,
      ratingRows: rows.ratings.length,
      labels: events.length,
      labelsDropped: events.filter((e) => flagged.has(e.worker)).length,
      labellers: [...workers].filter((w) => !flagged.has(w)).length,
      labellersFlagged: [...workers].filter((w) => flagged.has(w)).length,
      overlap: project.overlap,
      goldItems: project.goldItems,
      alphaAll: Number.isFinite(allAlpha) ? allAlpha : null,
      alphaAccepted: Number.isFinite(keptAlpha) ? keptAlpha : null,
      meanConfidence: confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null,
    };
    const tables: ExportTable[] = [
      ...(project.type !== 'rating' ? [preferencesTable(rows.preferences)] : []),
      ratingsTable(rows.ratings),
      annotationsTable(annotationRows(project.id, events, flagged, new Set(gold.keys()))),
    ];
    const files = await exportFiles(tables);
    const croissant = labellingCroissant(
      { ...stats, createdAt: project.createdAt, rubric: project.rubric },
      tables,
      files,
    );
    files.set('croissant.json', new TextEncoder().encode(`${JSON.stringify(croissant, null, 2)}\n`));
    files.set(
      'README.md',
      new TextEncoder().encode(
        datasetCard(
          stats,
          tables.map((t) => t.name),
        ),
      ),
    );
    return { files, stats, labels: agg.labels };
  }

  private async items(project: Project): Promise<LabelItem[]> {
    const rows = await this.db.all<{ id: string; prompt: string; responses: string; gold: string | null }>(
      'SELECT id, prompt, responses, gold FROM lb_items WHERE project_id = ? ORDER BY seq',
      [project.id],
    );
    return rows.map((r) => ({
      id: r.id,
      prompt: r.prompt,
      responses: JSON.parse(r.responses),
      gold: r.gold,
    }));
  }
}
