import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jobListSchema, jobParamsSchema, jobSchema } from '#shared/contracts/jobs.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf } from '../../plugins/session.ts';
import { failAbandonedJob, strandedJobs } from './job-lifecycle.ts';
import { cancelJob, createJob, findJob, jobStreamSnapshot, jobStreamState, listJobs, toJob } from './queries.ts';

/** A queued job older than this with no worker on it was never handed to the queue. */
const strandedAfterMs = 60_000;

/** The jobs a user started in the current workspace: list, one job, its live stream, cancel and retry. */
const jobRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  fastify.realtime.defineStream('job', (actor, id) => jobStreamSnapshot(db, actor, id));
  fastify.jobs.settleAbandoned((jobId) => failAbandonedJob(fastify, jobId));

  for (const job of await strandedJobs(db, new Date(clock.now().getTime() - strandedAfterMs))) await fastify.jobs.enqueue(job.kind, job.id);

  fastify.get('/jobs', { schema: { response: { 200: jobListSchema } } }, async (request) => ({
    items: (await listJobs(db, actorOf(request), 20)).map(toJob),
  }));

  fastify.get('/jobs/:id', { schema: { params: jobParamsSchema, response: { 200: jobSchema } } }, async (request) => {
    const row = await findJob(db, actorOf(request), request.params.id);
    if (!row) throw notFound('The job');
    return toJob(row);
  });

  fastify.post('/jobs/:id/cancel', { schema: { params: jobParamsSchema, response: { 200: jobSchema } } }, async (request) => {
    const actor = actorOf(request);
    const cancelled = await cancelJob(db, actor, request.params.id, clock.now());
    if (cancelled) {
      await fastify.realtime.publish(streamName('job', cancelled.id), { seq: cancelled.seq, state: jobStreamState(cancelled) });
      return toJob(cancelled);
    }
    const row = await findJob(db, actor, request.params.id);
    if (!row) throw notFound('The job');
    throw new AppError(409, 'job_finished', 'This job has already finished.');
  });

  // A retry is a new job with the same input: the failed one stays as it was, for the record.
  fastify.post('/jobs/:id/retry', { schema: { params: jobParamsSchema, response: { 202: jobSchema } } }, async (request, reply) => {
    const actor = actorOf(request);
    const job = await fastify.idempotently(request, reply, async (tx) => {
      const original = await findJob(tx, actor, request.params.id);
      if (!original) throw notFound('The job');
      if (original.status !== 'failed' && original.status !== 'cancelled') {
        throw new AppError(409, 'job_not_retryable', 'Only a failed or cancelled job can be tried again.');
      }
      return { statusCode: 202, body: toJob(await createJob(tx, actor, original.kind, original.input, clock.now())) };
    });
    await fastify.jobs.enqueue(job.kind, job.id);
    return job;
  });
};

export default jobRoutes;
