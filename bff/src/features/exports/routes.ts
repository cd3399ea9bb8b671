import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { and, asc, eq, gte } from 'drizzle-orm';
import { createExportBodySchema, jobParamsSchema, jobSchema } from '#shared/contracts/jobs.ts';
import type { Database } from '../../db/client.ts';
import { exportFileChunks, exportFiles, jobs } from '../../db/schema.ts';
import { AppError, notFound } from '../../plugins/errors.ts';
import { actorOf } from '../../plugins/session.ts';
import { runJob } from '../jobs/job-lifecycle.ts';
import { jobsVisibleTo } from '../jobs/policy.ts';
import { createJob, toJob } from '../jobs/queries.ts';
import { exportSnips } from './export-job.ts';

/** A few chunks (about 256 KB each) per statement, in order: the connection is never held long for one download. */
const chunksPerRead = 4;

async function* fileChunks(db: Database, jobId: string, delivery: string) {
  for (let next = 0; ; next += chunksPerRead) {
    const chunks = await db
      .select({ body: exportFileChunks.body })
      .from(exportFileChunks)
      .where(and(eq(exportFileChunks.jobId, jobId), eq(exportFileChunks.delivery, delivery), gte(exportFileChunks.seq, next)))
      .orderBy(asc(exportFileChunks.seq))
      .limit(chunksPerRead);
    for (const chunk of chunks) yield Buffer.from(chunk.body);
    if (chunks.length < chunksPerRead) return;
  }
}

/** Exports of the current workspace's snips, as background jobs: start one (202), then download its file. */
const exportRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { db, clock } = fastify;
  fastify.addHook('onRequest', fastify.requireActor);

  fastify.jobs.work('export', (jobId, attempt) =>
    runJob(fastify, jobId, attempt, (job) => {
      // Resolved when the job runs, for its actor: a change made while it waited in the queue applies.
      const batchSize = fastify.flags.for({ userId: job.actor.userId, workspaceId: job.actor.workspaceId }).get('export-read-batch-size');
      return exportSnips(db, job, { now: () => clock.now(), batchSize });
    }),
  );

  fastify.post('/exports', { schema: { body: createExportBodySchema, response: { 202: jobSchema } } }, async (request, reply) => {
    const actor = actorOf(request);
    if (!request.flags.get('export-button')) throw new AppError(403, 'feature_off', 'Exports are switched off for this workspace.');
    const job = await fastify.idempotently(request, reply, async (tx) => ({
      statusCode: 202,
      body: toJob(await createJob(tx, actor, 'export', request.body, clock.now())),
    }));
    await fastify.jobs.enqueue('export', job.id);
    return job;
  });

  // The file is the job's: whoever may see the job may download what it produced, and nobody else.
  fastify.get('/exports/:id/file', { schema: { params: jobParamsSchema } }, async (request, reply) => {
    const [file] = await db
      .select({ fileName: exportFiles.fileName, body: exportFiles.body, delivery: exportFiles.delivery, byteSize: exportFiles.byteSize })
      .from(exportFiles)
      .innerJoin(jobs, eq(jobs.id, exportFiles.jobId))
      .where(and(jobsVisibleTo(actorOf(request)), eq(jobs.id, request.params.id), eq(jobs.status, 'succeeded')));
    if (!file) throw notFound('The export');
    reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'private, no-store');
    // A file written before chunks holds its whole text in the row.
    if (file.delivery === null) return reply.send(file.body);
    return reply.header('content-length', file.byteSize).send(Readable.from(fileChunks(db, request.params.id, file.delivery)));
  });
};

export default exportRoutes;
