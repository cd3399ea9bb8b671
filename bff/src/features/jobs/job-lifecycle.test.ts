import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '#shared/contracts/jobs.ts';
import { jobs } from '../../db/schema.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { exportSnips } from '../exports/export-job.ts';
import { failAbandonedJob, runJob, type JobResult } from './job-lifecycle.ts';

// One delivery of a job, run the way a worker runs it, with the work made to misbehave on purpose. No worker is
// started in this app, so nothing else touches the jobs these tests create.
let t: TestApp;
let owner: TestClient;
beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signIn('owner@example.com');
});
afterAll(() => t.close());

/** A delivery that holds its lease throughout: nothing here renews or loses one. */
const attempt = (final: boolean) => ({ final, leaseLost: new AbortController().signal });
const queuedExport = async () => (await owner.request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
const jobRow = async (id: string) => (await t.app.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
const finishedNotifications = async (id: string) =>
  (await owner.request({ url: '/api/notifications' })).json().items.filter((n: { job: { id: string } | null }) => n.job?.id === id);

describe('a job delivery', () => {
  it.each([
    {
      why: 'its owner cancelled it',
      statusAfter: 'cancelled',
      stop: async (jobId: string) => {
        expect((await owner.request({ method: 'POST', url: `/api/jobs/${jobId}/cancel` })).statusCode).toBe(200);
      },
    },
    {
      // Its renewals failed for longer than the lease: another delivery may be running the job by now.
      why: 'the delivery lost its lease',
      statusAfter: 'running',
      stop: async (_jobId: string, lease: AbortController) => lease.abort(),
    },
  ])('stops at the next progress report once $why, and stores nothing', async ({ statusAfter, stop }) => {
    const job = await queuedExport();
    const lease = new AbortController();
    let stored = false;
    let workedOn = false;
    await runJob(t.app, job.id, { final: true, leaseLost: lease.signal }, async (running) => {
      await running.progress(1, 2);
      await stop(job.id, lease);
      await running.progress(2, 2);
      workedOn = true;
      return async () => {
        stored = true;
      };
    });
    expect(workedOn).toBe(false);
    expect(stored).toBe(false);
    expect(await jobRow(job.id)).toMatchObject({ status: statusAfter, done: 1 });
    expect(await finishedNotifications(job.id)).toEqual([]);
  });

  it('throws an unexpected error back to the queue to retry, and on the last attempt fails with a sentence', async () => {
    const job = await queuedExport();
    const broken = async (): Promise<JobResult> => {
      throw new Error('connection reset');
    };
    await expect(runJob(t.app, job.id, attempt(false), broken)).rejects.toThrow('connection reset');
    expect(await jobRow(job.id)).toMatchObject({ status: 'running', error: null });

    await runJob(t.app, job.id, attempt(true), broken);
    expect(await jobRow(job.id)).toMatchObject({ status: 'failed', error: 'Something went wrong while running this job. Try it again.' });
    expect(await finishedNotifications(job.id)).toMatchObject([{ kind: 'job_finished', job: { status: 'failed' } }]);
  });

  it('starts a job left running by a crashed worker over, and finishes it', async () => {
    const job = await queuedExport();
    await t.app.db.update(jobs).set({ status: 'running', done: 5, total: 8 }).where(eq(jobs.id, job.id));
    const reported: number[] = [];
    await runJob(t.app, job.id, attempt(false), (running) =>
      exportSnips(t.app.db, { ...running, progress: async (done, total) => { reported.push(done); await running.progress(done, total); } }, { now: () => t.clock.now(), batchSize: 25 }),
    );
    expect(reported[0]).toBe(0);
    expect(await jobRow(job.id)).toMatchObject({ status: 'succeeded', done: 8, total: 8 });
    expect((await owner.request({ url: `/api/exports/${job.id}/file` })).statusCode).toBe(200);
  });

  it('does nothing for a job that has finished already', async () => {
    const job = await queuedExport();
    expect((await owner.request({ method: 'POST', url: `/api/jobs/${job.id}/cancel` })).statusCode).toBe(200);
    let ran = false;
    await runJob(t.app, job.id, attempt(true), async () => {
      ran = true;
      return async () => {};
    });
    expect(ran).toBe(false);
    expect(await jobRow(job.id)).toMatchObject({ status: 'cancelled' });
  });

  it('fails a job the queue gave up on once, with the usual sentence, and leaves one that ended already as it was', async () => {
    const broken = async (): Promise<JobResult> => {
      throw new Error('connection reset');
    };
    // The last delivery died mid-work: the job is still running, and no delivery will come for it any more.
    const abandoned = await queuedExport();
    await expect(runJob(t.app, abandoned.id, attempt(false), broken)).rejects.toThrow('connection reset');
    await failAbandonedJob(t.app, abandoned.id);
    const failed = await jobRow(abandoned.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'Something went wrong while running this job. Try it again.' });
    expect(await finishedNotifications(abandoned.id)).toMatchObject([{ kind: 'job_finished', job: { status: 'failed' } }]);
    // The queue delivers a dead letter at least once.
    await failAbandonedJob(t.app, abandoned.id);
    expect(await jobRow(abandoned.id)).toEqual(failed);
    expect(await finishedNotifications(abandoned.id)).toHaveLength(1);

    // Every delivery died before one started the job: it ends too.
    const neverStarted = await queuedExport();
    await failAbandonedJob(t.app, neverStarted.id);
    expect(await jobRow(neverStarted.id)).toMatchObject({ status: 'failed' });

    // The last delivery failed and stored its end, and only telling the queue was lost: its dead letter does nothing.
    const ended = await queuedExport();
    await runJob(t.app, ended.id, attempt(true), broken);
    const before = await jobRow(ended.id);
    await failAbandonedJob(t.app, ended.id);
    expect(await jobRow(ended.id)).toEqual(before);
    expect(await finishedNotifications(ended.id)).toHaveLength(1);
  });
});
