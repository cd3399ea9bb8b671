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

/**
 * Thrown out of a job's work to stop this delivery, storing nothing: its owner cancelled the job, or the delivery
 * lost its lease (another delivery may be running the job now).
 */
class DeliveryStopped extends Error {
  override name = 'DeliveryStopped';
}

export type RunningJob = {
  id: string;
  /** The owner, acting in the job's workspace with their role as it is now: the work reads through their scopes. */
  actor: Actor;
  /** As stored when the job was created; the work decodes it (every shape ever stored). */
  input: unknown;
  /** Records and announces progress; throws (ending the work) once the job was cancelled or the delivery lost its lease. */
  progress(done: number, total: number | null): Promise<void>;
};

/** What the work leaves behind, written in the transaction that marks the job succeeded. */
export type JobResult = (tx: Database) => Promise<void>;

/** What the owner reads when a job failed for a reason they cannot act on. */
const unexpectedFailure = 'Something went wrong while running this job. Try it again.';

const announce = (fastify: FastifyInstance, row: JobRow) =>
  fastify.realtime.publish(streamName('job', row.id), { seq: row.seq, state: jobStreamState(row) });

/** Changes the job, and moves its stream's sequence on, only while its status is one of `from`. */
async function updateJob(fastify: FastifyInstance, tx: Database, jobId: string, changes: Partial<typeof jobs.$inferInsert>, from: JobRow['status'][]) {
  const [row] = await tx
    .update(jobs)
    .set({ ...changes, updatedAt: fastify.clock.now(), seq: sql`${jobs.seq} + 1` })
    .where(and(eq(jobs.id, jobId), inArray(jobs.status, from)))
    .returning();
  return row;
}

/**
 * Ends a job whose status is one of `ending.from`: the final status, the work's result and the owner's notification in
 * one transaction, announced after the commit. Any other job (cancelled, or ended already) is left as it is: a job ends
 * once, with one notification, whoever tries to end it. Says whether this call ended it.
 */
async function finishJob(
  fastify: FastifyInstance,
  jobId: string,
  status: 'succeeded' | 'failed',
  ending: { from: JobRow['status'][]; result?: JobResult; error?: string },
): Promise<boolean> {
  const { db, clock, realtime } = fastify;
  const { from, result, error } = ending;
  const now = clock.now();
  const finished = await db.transaction(async (tx) => {
    const row = await updateJob(fastify, tx, jobId, { status, error: error ?? null, finishedAt: now }, from);
    if (!row) return undefined;
    await result?.(tx);
    const [notified] = await notify(tx, [row.userId], { kind: 'job_finished', workspaceId: row.workspaceId, actorId: null, jobId, createdAt: now });
    return { row, notified };
  });
  if (!finished) return false;
  await announce(fastify, finished.row);
  if (finished.notified) await realtime.publish(streamName('user', finished.notified.userId), { seq: finished.notified.seq });
  return true;
}

/**
 * Runs one delivery of a job: marks it running, lets the work report progress on `job:<id>`, and stores the result,
 * the final status and the owner's notification in one transaction. The worker acts on the job it was handed, by id:
 * the actor is derived from the job itself. A delivery of a job that was cancelled or already finished does nothing,
 * and one that lost its lease stores nothing: whichever delivery finishes the running job first is the only one.
 */
export async function runJob(
  fastify: FastifyInstance,
  jobId: string,
  attempt: { final: boolean; leaseLost: AbortSignal },
  work: (job: RunningJob) => Promise<JobResult>,
): Promise<void> {
  const { db } = fastify;
  const fail = async (error: string) => {
    await finishJob(fastify, jobId, 'failed', { from: ['running'], error });
  };

  // A redelivery after a crash finds the job still running and starts it over: the work is idempotent.
  const started = await updateJob(fastify, db, jobId, { status: 'running', done: 0 }, ['queued', 'running']);
  if (!started) return;
  await announce(fastify, started);
  const actor = await fastify.sessions.actorIn(started.userId, started.workspaceId);
  if (!actor) return fail('You are no longer a member of the workspace this job ran in.');
  try {
    const result = await work({
      id: jobId,
      actor,
      input: started.input,
      async progress(done, total) {
        if (attempt.leaseLost.aborted) throw new DeliveryStopped();
        const row = await updateJob(fastify, db, jobId, { done, total }, ['running']);
        if (!row) throw new DeliveryStopped();
        await announce(fastify, row);
      },
    });
    if (attempt.leaseLost.aborted) return;
    await finishJob(fastify, jobId, 'succeeded', { from: ['running'], result });
  } catch (error) {
    if (error instanceof DeliveryStopped) return;
    if (error instanceof JobFailure) return fail(error.message);
    if (!attempt.final) throw error;
    fastify.log.error({ err: error, jobId }, 'job failed on its last attempt');
    await fail(unexpectedFailure);
  }
}

/**
 * Ends a job the queue gave up on (its dead letter): its last allowed delivery died with its worker, lost its lease,
 * or failed before it could store an end. It fails as an unexpected failure does, notified and announced, so its owner
 * can try it again. One still `queued` ends too (every delivery died before starting it): none will come any more. A
 * job that ended already, as one that failed on its last attempt has, is left as it is.
 */
export async function failAbandonedJob(fastify: FastifyInstance, jobId: string): Promise<void> {
  if (await finishJob(fastify, jobId, 'failed', { from: ['queued', 'running'], error: unexpectedFailure })) {
    fastify.log.error({ jobId }, 'job failed: its last allowed delivery died');
  }
}

/** Jobs stored but never handed to the queue (the process stopped in between): queueing them again is harmless. */
export async function strandedJobs(db: Database, olderThan: Date) {
  return db
    .select({ id: jobs.id, kind: jobs.kind })
    .from(jobs)
    .where(and(eq(jobs.status, 'queued'), lt(jobs.createdAt, olderThan)));
}
