import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Job, type JobKind } from '#shared/contracts/jobs.ts';
import type { Database } from '../../db/client.ts';
import { jobs } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { jobsVisibleTo } from './policy.ts';

type JobRow = typeof jobs.$inferSelect;

/** Where a finished job's result is served; each kind has its own route. */
const resultUrls: Record<JobKind, (id: string) => string> = { export: (id) => `/api/exports/${id}/file` };

export const toJob = (row: JobRow): Job => ({
  id: row.id,
  kind: row.kind,
  status: row.status,
  progress: { done: row.done, total: row.total },
  error: row.error,
  resultUrl: row.status === 'succeeded' ? resultUrls[row.kind](row.id) : null,
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
});

export const jobStreamState = (row: Pick<JobRow, 'status' | 'done' | 'total'>) => ({
  kind: 'job' as const,
  status: row.status,
  progress: { done: row.done, total: row.total },
});

/** Stores a job for the actor in their current workspace; the caller enqueues it once this has committed. */
export async function createJob(db: Database, actor: Actor, kind: JobKind, input: unknown, now: Date): Promise<JobRow> {
  const [row] = await db
    .insert(jobs)
    .values({ kind, userId: actor.userId, workspaceId: actor.workspaceId, input, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

export async function findJob(db: Database, actor: Actor, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(and(jobsVisibleTo(actor), eq(jobs.id, id)));
  return row;
}

export async function listJobs(db: Database, actor: Actor, limit: number): Promise<JobRow[]> {
  return db.select().from(jobs).where(jobsVisibleTo(actor)).orderBy(desc(jobs.createdAt), desc(jobs.id)).limit(limit);
}

export async function jobStreamSnapshot(db: Database, actor: Actor, id: string) {
  const row = await findJob(db, actor, id);
  return row && { seq: row.seq, state: jobStreamState(row) };
}

/** Cancels a job that has not finished; a running worker notices at its next progress report and stops. */
export async function cancelJob(db: Database, actor: Actor, id: string, now: Date): Promise<JobRow | undefined> {
  const [row] = await db
    .update(jobs)
    .set({ status: 'cancelled', finishedAt: now, updatedAt: now, seq: sql`${jobs.seq} + 1` })
    .where(and(jobsVisibleTo(actor), eq(jobs.id, id), inArray(jobs.status, ['queued', 'running'])))
    .returning();
  return row;
}
