import { z } from 'zod';
import { snipListQuerySchema } from './snips.ts';

/**
 * Long operations run as background jobs: a request stores the input, enqueues, and answers 202 with the job;
 * the job's progress streams on `job:<id>`, and the finished job notifies its owner.
 */
export const jobKindSchema = z.enum(['export']);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const finishedJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export const jobProgressSchema = z.object({
  done: z.number().int(),
  /** Unknown until the job has counted its work. */
  total: z.number().int().nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobSchema = z.object({
  id: z.uuid(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  progress: jobProgressSchema,
  /** Why it failed, in words a user can act on; null unless failed. */
  error: z.string().nullable(),
  /** Where the result is, once it succeeded (an export's file); null before. */
  resultUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobListSchema = z.object({ items: z.array(jobSchema) });
export type JobList = z.infer<typeof jobListSchema>;
export const jobParamsSchema = z.object({ id: z.uuid() });

/** An export takes the list's filters: what the list shows is what the file holds. */
export const createExportBodySchema = z.strictObject({
  filters: snipListQuerySchema.pick({ q: true, language: true, tag: true, visibility: true, author: true }).strict().default({}),
});
export type CreateExportBody = z.input<typeof createExportBodySchema>;

/** The file an export produces. Versioned, so a later import can read every file ever written. */
export const exportFileSchema = z.object({
  format: z.literal('snipdesk-export'),
  version: z.literal(1),
  exportedAt: z.iso.datetime(),
  workspace: z.object({ id: z.uuid(), name: z.string() }),
  snips: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      body: z.string(),
      language: z.string(),
      tags: z.array(z.string()),
      visibility: z.string(),
      author: z.object({ id: z.uuid(), name: z.string() }),
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
    }),
  ),
});
export type ExportFile = z.infer<typeof exportFileSchema>;
