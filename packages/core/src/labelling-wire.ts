import { z } from 'zod';

/*
 * What a labelling project's owner and its labellers send and get back over /v1/labelling, shared by the
 * coordinator's routes, the SDK and the API contract.
 */

export const LABELLING_TASK_TYPES = ['rating', 'pairwise', 'ranking'] as const;
export type LabellingTaskType = (typeof LABELLING_TASK_TYPES)[number];

/** POST /v1/labelling/projects: `items` and `qualification.items` are JSONL text, checked line by line. */
export const createProjectSchema = z.object({
  name: z.string().min(1).max(200),
  type: z.enum(LABELLING_TASK_TYPES),
  /** JSONL; the request body limit (40 MB) bounds it too. */
  items: z.string().max(32 * 1024 * 1024),
  rubric: z.string().max(20_000).optional(),
  /** Labels per item. */
  overlap: z.number().int().min(1).max(50).default(3),
  /** Share of the tasks a labeller gets that are gold items (known answers, interleaved). */
  goldShare: z.number().min(0).max(0.5).default(0.1),
  /** Points per accepted label at full estimated accuracy. */
  payPerTask: z.number().min(0).max(1000),
  qualification: z
    .object({ items: z.string().max(1024 * 1024), passScore: z.number().min(0).max(1).default(0.8) })
    .optional(),
  /** Least time a reader needs for one task: max(minTaskMs, msPerChar × characters shown). */
  minTaskMs: z.number().int().min(0).max(600_000).default(1500),
  msPerChar: z.number().min(0).max(1000).default(10),
  /** Licence named in the exported dataset card (SPDX id or "other"). */
  license: z.string().max(100).default('other'),
  /** Submissions between two quality passes (spam detection and pay). */
  settleEvery: z.number().int().min(1).max(100_000).default(10),
});
export type CreateProjectRequest = z.input<typeof createProjectSchema>;

/** A project as its owner sees it (the qualification test's answers are never sent). */
export const labellingProjectInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(LABELLING_TASK_TYPES),
  k: z.number().int(),
  rubric: z.string().nullable(),
  overlap: z.number().int(),
  goldShare: z.number(),
  payPerTask: z.number(),
  minTaskMs: z.number(),
  msPerChar: z.number(),
  license: z.string(),
  settleEvery: z.number().int(),
  items: z.number().int(),
  goldItems: z.number().int(),
  createdAt: z.number(),
  qualificationQuestions: z.number().int(),
});
export type LabellingProjectInfo = z.output<typeof labellingProjectInfoSchema>;

/** A project as the lists name it. */
export const labellingProjectSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(LABELLING_TASK_TYPES),
});

export const labellingProjectStatusSchema = z.object({
  project: labellingProjectInfoSchema,
  tasksIssued: z.number().int(),
  /**
   * Gold items, and the gold tasks still to hand out: each gold item goes to at most `overlap` labellers,
   * as any item does; at 0 later labellers are checked by consensus alone (add gold items to go on).
   */
  gold: z.object({ items: z.number().int(), tasksLeft: z.number().int() }),
  labels: z.number().int(),
  labellers: z.number().int(),
  flags: z.array(
    z.object({
      labellerId: z.string(),
      state: z.string(),
      reasons: z.array(z.string()),
      evidence: z.unknown(),
    }),
  ),
});
export type LabellingProjectStatus = z.output<typeof labellingProjectStatusSchema>;

export const projectSettlementSchema = z.object({
  /** Labellers flagged by this pass. */
  flagged: z.array(z.string()),
  paid: z.number(),
  held: z.number(),
  /** Krippendorff's alpha over every label; null when there are too few labels to tell. */
  alpha: z.number().nullable(),
});
export type ProjectSettlement = z.output<typeof projectSettlementSchema>;

export const projectExportListingSchema = z.object({
  files: z.array(z.object({ name: z.string(), bytes: z.number().int() })),
  stats: z.record(z.string(), z.unknown()),
});
export type ProjectExportListing = z.output<typeof projectExportListingSchema>;

// The labeller's side: sign-up, qualification, tasks.
export const labellerSignUpSchema = z.object({ name: z.string().min(1).max(100) });
export const qualificationAnswersSchema = z.object({ answers: z.array(z.string().max(100)).max(1000) });
export const taskAnswerSchema = z.object({
  answer: z.string().max(100),
  clientMs: z.number().min(0).nullable().optional(),
});
export const flagReviewSchema = z.object({ verdict: z.enum(['clear', 'confirm']) });

export const labellerSchema = z.object({ id: z.string(), name: z.string() });
export const labellerEarningsSchema = z.object({
  /** Points (in micro-points, as the ledger) credited to the labeller. */
  paid: z.number(),
  /** Points held while a flag on the labeller is reviewed. */
  held: z.number(),
  /** Answers not yet judged (paid at the next quality pass once there are enough of them). */
  pendingTasks: z.number().int(),
  tasksDone: z.number().int(),
});
export const labellingTaskSchema = z.object({
  assignmentId: z.string(),
  projectId: z.string(),
  type: z.enum(LABELLING_TASK_TYPES),
  k: z.number().int(),
  rubric: z.string().nullable(),
  prompt: z.string(),
  responses: z.array(z.string()),
  issuedAt: z.number(),
});
const nextCommon = {
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  earnings: labellerEarningsSchema,
  payPerTask: z.number(),
};
export const nextTaskAnswerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('task'), task: labellingTaskSchema, ...nextCommon }),
  z.object({ state: z.enum(['done', 'unqualified', 'under-review']), ...nextCommon }),
]);
/**
 * An attempt at the qualification test: passed or not, the attempts left and when the next is accepted
 * (epoch ms; null after a pass or when none is left). Never the score, which would leak the answers.
 */
export const qualificationResultSchema = z.object({
  passed: z.boolean(),
  attemptsLeft: z.number().int(),
  retryAt: z.number().nullable(),
});
export const qualificationTestSchema = z.object({
  type: z.enum(LABELLING_TASK_TYPES),
  k: z.number().int(),
  rubric: z.string().nullable(),
  passScore: z.number(),
  questions: z.array(
    z.object({ index: z.number().int(), prompt: z.string(), responses: z.array(z.string()) }),
  ),
});
