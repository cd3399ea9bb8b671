import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { jobKindSchema, type JobKind } from '#shared/contracts/jobs.ts';

/** Handles one delivery of a job; `final` says no retry follows if it throws. */
export type JobHandler = (jobId: string, attempt: { final: boolean }) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      /**
       * Hands a stored job to the queue. Call it after the transaction that stored the job has committed; queueing
       * the same job again is harmless (the queue's job id is the job's id), which is how stranded jobs are resumed.
       */
      enqueue(kind: JobKind, jobId: string): Promise<void>;
      /** Declares how jobs of this kind are run; nothing runs until `startWorkers`. */
      work(kind: JobKind, handler: JobHandler): void;
      /**
       * Starts `JOB_WORKERS` workers per kind in this process (main.ts and worker.ts do; a test does when it wants
       * its jobs to run). Queued jobs wait until some process starts them.
       */
      startWorkers(): Promise<void>;
    };
  }
}

/**
 * The queue's payload, every shape ever sent: a job queued by yesterday's deploy is still understood today.
 * Only the id travels; the job's input lives in the `jobs` row, validated when it was stored.
 */
const queuedJobSchema = z.union([z.strictObject({ v: z.literal(1), jobId: z.uuid() })]);

/** A failed delivery is retried twice, seconds apart, before the job is marked failed for good. */
const retryPolicy = { retryLimit: 2, retryDelay: 2, retryBackoff: true, expireInSeconds: 15 * 60 };

async function jobsPlugin(fastify: FastifyInstance) {
  const { config, log } = fastify;
  const boss = new PgBoss({
    ...fastify.jobQueueConnection,
    schema: 'pgboss',
    max: 4,
    // Cron is not used; maintenance (expiry, archiving) runs in every process that runs workers.
    schedule: false,
    supervise: config.jobWorkers > 0,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  // pg-boss installs its schema and queues on first start; instances starting together take turns.
  await fastify.withSchemaLock(async () => {
    await boss.start();
    for (const kind of jobKindSchema.options) {
      if (await boss.getQueue(kind)) await boss.updateQueue(kind, { name: kind, ...retryPolicy });
      else await boss.createQueue(kind, { name: kind, ...retryPolicy });
    }
  });

  const handlers = new Map<JobKind, JobHandler>();
  const localWorkers = new Map<JobKind, string[]>();
  fastify.addHook('onClose', async () => {
    // Running jobs finish (or are handed back to the queue after the timeout) before the database closes.
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  });

  fastify.decorate('jobs', {
    async enqueue(kind: JobKind, jobId: string) {
      await boss.send(kind, { v: 1, jobId }, { id: jobId });
      // A worker of this process starts at once instead of at its next poll.
      for (const workerId of localWorkers.get(kind) ?? []) boss.notifyWorker(workerId);
    },
    work(kind: JobKind, handler: JobHandler) {
      handlers.set(kind, handler);
    },
    async startWorkers() {
      for (const [kind, handler] of handlers) {
        if (localWorkers.has(kind)) continue;
        const ids: string[] = [];
        localWorkers.set(kind, ids);
        for (let slot = 0; slot < config.jobWorkers; slot++) {
          const options = { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true } as const;
          const id = await boss.work<unknown>(kind, options, async ([delivery]) => {
            if (!delivery) return;
            const payload = queuedJobSchema.safeParse(delivery.data);
            if (!payload.success) {
              // Retrying cannot make an unknown shape known: record it and let the delivery complete.
              log.error({ queue: kind, deliveryId: delivery.id, issues: payload.error.issues }, 'job payload not understood');
              return;
            }
            await handler(payload.data.jobId, { final: delivery.retryCount >= delivery.retryLimit });
          });
          ids.push(id);
        }
      }
    },
  });
}

export default fp(jobsPlugin, { name: 'jobs', dependencies: ['config', 'database'] });
