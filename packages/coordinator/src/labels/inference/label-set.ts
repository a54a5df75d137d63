import { forEachCsvRow, readColumns } from './csv.js';
import { InferenceError } from './errors.js';

/**
 * Crowd labels with tasks, workers and classes coded as dense integers, so every method works on typed
 * arrays (one slot per answer) instead of string-keyed maps; that is what makes 1M answers take seconds.
 */
export interface LabelSet {
  tasks: string[];
  workers: string[];
  classes: string[];
  /** Per answer: task, worker and class index. Repeated (task, worker) answers are kept as given. */
  task: Int32Array;
  worker: Int32Array;
  label: Int32Array;
}

export interface LabelRow {
  task: string;
  worker: string;
  label: string;
}

/**
 * Distinct class names in a stable order: numerically when every name is a number ("2" before "10"),
 * else by code unit. Ties in majority vote go to the first class, so the order must not depend on input.
 */
export function sortClasses(names: Iterable<string>): string[] {
  const distinct = [...new Set(names)];
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const numeric = distinct.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  return distinct.sort(numeric ? (a, b) => Number(a) - Number(b) || byCode(a, b) : byCode);
}

/** Codes rows; `classes` may fix the class list (e.g. to include gold-only classes), else it is derived. */
export function encodeLabels(
  rows: { task: readonly string[]; worker: readonly string[]; label: readonly string[] },
  classes?: readonly string[],
): LabelSet {
  const n = rows.task.length;
  if (rows.worker.length !== n || rows.label.length !== n) {
    throw new InferenceError('BAD_INPUT', 'task, worker and label columns differ in length');
  }
  const classList = classes ? [...classes] : sortClasses(rows.label);
  const classIndex = new Map(classList.map((c, k) => [c, k]));
  const taskIndex = new Map<string, number>();
  const workerIndex = new Map<string, number>();
  const set: LabelSet = {
    tasks: [],
    workers: [],
    classes: classList,
    task: new Int32Array(n),
    worker: new Int32Array(n),
    label: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    set.task[i] = intern(taskIndex, set.tasks, rows.task[i] as string);
    set.worker[i] = intern(workerIndex, set.workers, rows.worker[i] as string);
    const k = classIndex.get(rows.label[i] as string);
    if (k === undefined)
      throw new InferenceError('BAD_INPUT', `label "${rows.label[i]}" is not a known class`);
    set.label[i] = k;
  }
  return set;
}

function intern(index: Map<string, number>, names: string[], name: string): number {
  let k = index.get(name);
  if (k === undefined) {
    k = names.length;
    index.set(name, k);
    names.push(name);
  }
  return k;
}

export function labelSetFromRows(rows: readonly LabelRow[], classes?: readonly string[]): LabelSet {
  return encodeLabels(
    { task: rows.map((r) => r.task), worker: rows.map((r) => r.worker), label: rows.map((r) => r.label) },
    classes,
  );
}

/**
 * Parses `task,worker,label` CSV (columns in any order, values may be quoted) straight into integer codes,
 * keeping one copy of each distinct name. `extraClasses` (e.g. the gold labels) join the class list, so a
 * class only the gold uses still gets a column.
 */
export function parseLabelsCsv(text: string, extraClasses: Iterable<string> = []): LabelSet {
  // Rows ≤ newlines + 1, so one counting pass sizes the arrays exactly enough.
  let capacity = 1;
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) capacity++;
  const set: LabelSet = {
    tasks: [],
    workers: [],
    classes: [],
    task: new Int32Array(capacity),
    worker: new Int32Array(capacity),
    label: new Int32Array(capacity),
  };
  const taskIndex = new Map<string, number>();
  const workerIndex = new Map<string, number>();
  const seenIndex = new Map<string, number>();
  const seen: string[] = [];
  let i = 0;
  forEachCsvRow(text, ['task', 'worker', 'label'] as const, (v) => {
    set.task[i] = intern(taskIndex, set.tasks, v[0] as string);
    set.worker[i] = intern(workerIndex, set.workers, v[1] as string);
    set.label[i] = intern(seenIndex, seen, v[2] as string);
    i++;
  });
  if (i === 0) throw new InferenceError('BAD_CSV', 'no label rows after the header');
  set.task = set.task.subarray(0, i);
  set.worker = set.worker.subarray(0, i);
  set.label = set.label.subarray(0, i);
  // Labels were coded in first-seen order; recode to the sorted class order.
  set.classes = sortClasses([...seen, ...extraClasses]);
  const order = new Map(set.classes.map((c, k) => [c, k]));
  const recode = Int32Array.from(seen, (c) => order.get(c) as number);
  for (let r = 0; r < i; r++) set.label[r] = recode[set.label[r] as number] as number;
  return set;
}

/** Parses `task,label` gold CSV into a map; a task listed twice with different labels is an error. */
export function parseGoldCsv(text: string): Map<string, string> {
  const cols = readColumns(text, ['task', 'label'] as const);
  const gold = new Map<string, string>();
  cols.task.forEach((t, i) => {
    const l = cols.label[i] as string;
    const prev = gold.get(t);
    if (prev !== undefined && prev !== l) {
      throw new InferenceError('BAD_INPUT', `gold task "${t}" has two labels: "${prev}" and "${l}"`);
    }
    gold.set(t, l);
  });
  return gold;
}

/**
 * Codes gold answers against a label set: -1 where a task has no gold; gold for tasks nobody labelled is
 * ignored. A gold class outside `set.classes` is an error (parse with it as an extra class instead).
 */
export function encodeGold(set: LabelSet, gold: ReadonlyMap<string, string>): Int32Array {
  const out = new Int32Array(set.tasks.length).fill(-1);
  const classIndex = new Map(set.classes.map((c, k) => [c, k]));
  set.tasks.forEach((t, i) => {
    const g = gold.get(t);
    if (g === undefined) return;
    const k = classIndex.get(g);
    if (k === undefined) {
      throw new InferenceError('BAD_INPUT', `gold label "${g}" of task "${t}" is not a known class`);
    }
    out[i] = k;
  });
  return out;
}
