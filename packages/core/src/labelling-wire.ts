/*
 * What a labelling project's owner sends and gets back over /v1/labelling/projects, shared by the
 * coordinator's routes and the SDK.
 */

export type LabellingTaskType = 'rating' | 'pairwise' | 'ranking';

/** POST /v1/labelling/projects: the items are JSONL text (one item per line), checked line by line. */
export interface CreateProjectRequest {
  name: string;
  type: LabellingTaskType;
  items: string;
  /** Points per accepted label at full accuracy. */
  payPerTask: number;
  overlap?: number;
  goldShare?: number;
  rubric?: string;
  qualification?: { items: string; passScore: number };
  license?: string;
  minTaskMs?: number;
}

/** A project as its owner sees it (the qualification test's answers are never sent). */
export interface LabellingProjectInfo {
  id: string;
  name: string;
  type: LabellingTaskType;
  k: number;
  rubric: string | null;
  overlap: number;
  goldShare: number;
  payPerTask: number;
  minTaskMs: number;
  msPerChar: number;
  license: string;
  settleEvery: number;
  items: number;
  goldItems: number;
  createdAt: number;
  qualificationQuestions: number;
}

export interface LabellingProjectStatus {
  project: LabellingProjectInfo;
  tasksIssued: number;
  labels: number;
  labellers: number;
  flags: { labellerId: string; state: string; reasons: string[]; evidence: unknown }[];
}

export interface ProjectSettlement {
  /** Labellers flagged by this pass. */
  flagged: string[];
  paid: number;
  held: number;
  /** Krippendorff's alpha over every label. */
  alpha: number;
}

export interface ProjectExportListing {
  files: { name: string; bytes: number }[];
  stats: Record<string, unknown>;
}
