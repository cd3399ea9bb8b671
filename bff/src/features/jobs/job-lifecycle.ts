import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { streamName } from '#shared/realtime/messages.ts';
import type { Database } from '../../db/client.ts';
import { jobs } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';
import { notify } from '../notifications/queries.ts';
import { jobStreamState } from './queries.ts';

type JobRow = typeof jobs.$inferSelect;

/** A failure the job's owner can act on; its message is shown to them as it is. */
export class JobFailure extends Error {
  override name = 'JobFailure';
}

/** Thrown out of a job's work when its owner cancelled it: the work stops, nothing is stored. */
class JobCancelled extends Error {
  override name = 'JobCancelled';
}

export type RunningJob = {
  id: string;
  /** The owner, acting in the job's workspace with their role as it is now: the work reads through their scopes. */
  actor: Actor;
  /** As stored when the job was created; the work decodes it (every shape ever stored). */
  input: unknown;
  /** Records and announces progress; throws (ending the work) once the job has been cancelled. */
  progress(done: number, total: number | null): Promise<void>;
};

/** What the work leaves behind, written in the transaction that marks the job succeeded. */
export type JobResult = (tx: Database) => Promise<void>;

/**
 * Runs one delivery of a job: marks it running, lets the work report progress on `job:<id>`, and stores the result,
 * the final status and the owner's notification in one transaction. The worker acts on the job it was handed, by id:
 * the actor is derived from the job itself. A delivery of a job that was cancelled or already finished does nothing.
 */
export async function runJob(
  fastify: FastifyInstance,
  jobId: string,
  attempt: { final: boolean },
  work: (job: RunningJob) => Promise<JobResult>,
): Promise<void> {
  const { db, clock, realtime } = fastify;
  const announce = (row: JobRow) => realtime.publish(streamName('job', row.id), { seq: row.seq, state: jobStreamState(row) });
  const update = async (tx: Database, changes: Partial<typeof jobs.$inferInsert>, from: JobRow['status'][]) => {
    const [row] = await tx
      .update(jobs)
      .set({ ...changes, updatedAt: clock.now(), seq: sql`${jobs.seq} + 1` })
      .where(and(eq(jobs.id, jobId), inArray(jobs.status, from)))
      .returning();
    return row;
  };
  const finish = async (status: 'succeeded' | 'failed', result?: JobResult, error?: string) => {
    const now = clock.now();
    const finished = await db.transaction(async (tx) => {
      const row = await update(tx, { status, error: error ?? null, finishedAt: now }, ['running']);
      if (!row) return undefined;
      await result?.(tx);
      const [notified] = await notify(tx, [row.userId], { kind: 'job_finished', workspaceId: row.workspaceId, actorId: null, jobId, createdAt: now });
      return { row, notified };
    });
    if (!finished) return;
    await announce(finished.row);
    if (finished.notified) await realtime.publish(streamName('user', finished.notified.userId), { seq: finished.notified.seq });
  };

  // A redelivery after a crash finds the job still running and starts it over: the work is idempotent.
  const started = await update(db, { status: 'running', done: 0 }, ['queued', 'running']);
  if (!started) return;
  await announce(started);
  const actor = await fastify.sessions.actorIn(started.userId, started.workspaceId);
  if (!actor) return finish('failed', undefined, 'You are no longer a member of the workspace this job ran in.');
  try {
    const result = await work({
      id: jobId,
      actor,
      input: started.input,
      async progress(done, total) {
        const row = await update(db, { done, total }, ['running']);
        if (!row) throw new JobCancelled();
        await announce(row);
      },
    });
    await finish('succeeded', result);
  } catch (error) {
    if (error instanceof JobCancelled) return;
    if (error instanceof JobFailure) return finish('failed', undefined, error.message);
    if (!attempt.final) throw error;
    fastify.log.error({ err: error, jobId }, 'job failed on its last attempt');
    await finish('failed', undefined, 'Something went wrong while running this job. Try it again.');
  }
}

/** Jobs stored but never handed to the queue (the process stopped in between): queueing them again is harmless. */
export async function strandedJobs(db: Database, olderThan: Date) {
  return db
    .select({ id: jobs.id, kind: jobs.kind })
    .from(jobs)
    .where(and(eq(jobs.status, 'queued'), lt(jobs.createdAt, olderThan)));
}
