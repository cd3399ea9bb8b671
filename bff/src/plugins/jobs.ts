import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { jobKindSchema, type JobKind } from '#shared/contracts/jobs.ts';
import { shutdownBoundMs } from '../shutdown.ts';

/**
 * Handles one delivery of a job. `final` says no retry follows if it throws; `leaseLost` aborts once this delivery
 * could not renew its lease in time and the queue may have handed the job to another: the work should stop.
 */
export type JobHandler = (jobId: string, attempt: { final: boolean; leaseLost: AbortSignal }) => Promise<void>;

/**
 * Queues of work the app schedules for itself, at a time: no `jobs` row, no owner, no progress. The payload's id names
 * the row the task works on (a ramp step), so the task reads its input there and must be harmless twice.
 */
export const taskQueues = ['flag-ramp-step'] as const;
export type TaskQueue = (typeof taskQueues)[number];

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      /**
       * Hands a stored job to the queue. Call it after the transaction that stored the job has committed; queueing
       * the same job again is harmless (the queue's job id is the job's id), which is how stranded jobs are resumed.
       */
      enqueue(kind: JobKind, jobId: string): Promise<void>;
      /**
       * Hands a task to its queue, to run at `at` (the app's clock) or at once when that has passed. The queue's job id
       * is the task's id: scheduling it again changes nothing while the queue holds it, even failed for good, so a task
       * the queue lost is found again by a `sweep` of its feature.
       */
      schedule(queue: TaskQueue, id: string, at: Date): Promise<void>;
      /**
       * Declares a sweep: `task` runs in processes that run workers, when they start (`startWorkers`) and then every
       * `everyMs` until the app closes, one run at a time. For work a queue can lose: a task whose retries were used up,
       * or one whose queueing failed after the row it works on was stored.
       */
      sweep(everyMs: number, task: () => Promise<void>): void;
      /** Declares how jobs of this kind (or tasks of this queue) are run; nothing runs until `startWorkers`. */
      work(queue: JobKind | TaskQueue, handler: JobHandler): void;
      /**
       * Declares what becomes of a job the queue gave up on: its last allowed delivery died with its worker, lost its
       * lease, or failed. Called once per such job (at least once: it must be harmless twice), by the workers.
       */
      settleAbandoned(handler: (jobId: string) => Promise<void>): void;
      /**
       * Starts `JOB_WORKERS` workers per kind in this process, and one that settles abandoned jobs (main.ts and
       * worker.ts do; a test does when it wants its jobs to run). Queued jobs wait until some process starts them.
       */
      startWorkers(): Promise<void>;
    };
  }
}

/**
 * The queue's payload, every shape ever sent: a job queued by yesterday's deploy is still understood today.
 * Only the id travels: of the `jobs` row holding the job's input, validated when it was stored (or of a task's row).
 */
const queuedJobSchema = z.union([z.strictObject({ v: z.literal(1), jobId: z.uuid() })]);

const queueSchema = 'pgboss';
/**
 * Where the queue copies the payload of a job it gave up on (pg-boss's dead letter), whatever its kind. pg-boss makes
 * the copy with its table's defaults, not this queue's policy (the retry limit is the failed job's; retries come at
 * once; the expiry is 15 minutes until the first renewal): fine for a handler that takes milliseconds.
 */
const abandonedQueue = 'abandoned-jobs';
const fewAndQuick = new Set<string>([abandonedQueue, ...taskQueues]);
const pollingIntervalMs = 1000;
/**
 * How long stopping waits for running deliveries before handing them back to the queue: well inside the process's
 * shutdown bound, so the hand-back happens (else the job waits out its lease).
 */
const stopTimeoutMs = shutdownBoundMs / 2;

/**
 * pg-boss 10 has no heartbeat: its maintenance fails (and so retries) an active job once `started_on + expire_in`
 * has passed, and its own `work()` loop fails a delivery whose handler outlives `expire_in` (the handler runs on).
 * So workers here fetch, complete and fail deliveries themselves, and renew a delivery's lease by moving its
 * `started_on` to now (decision 0006).
 * The retry count names the delivery: once the job was expired and fetched again, the old one renews nothing.
 */
const renewLeaseSql = `
  update ${queueSchema}.job set started_on = now(), expire_in = make_interval(secs => $4)
  where name = $1 and id = $2 and state = 'active' and retry_count = $3
  returning 1`;

/** Puts a running delivery back in the queue as if it had never been fetched, its retry count untouched. */
const handBackSql = `
  update ${queueSchema}.job set state = 'created', started_on = null, start_after = now()
  where name = $1 and id = $2 and state = 'active' and retry_count = $3`;

async function jobsPlugin(fastify: FastifyInstance) {
  const { config, log } = fastify;
  const leaseSeconds = config.jobLeaseSeconds;
  // On PostgreSQL pg-boss has a `pg` pool of its own, made from these options (its types do not list `pg`'s): bounded
  // like ours, so a stalled database cannot hold a request's enqueue or a worker's fetch for ever (its schema set-up
  // at start-up gets the longer query bound).
  const poolBounds = { connectionTimeoutMillis: config.databaseTimeoutMs, query_timeout: config.databaseTimeoutMs * 10 };
  const boss = new PgBoss({
    ...fastify.jobQueueConnection,
    schema: queueSchema,
    max: 4,
    // Cron is not used. Maintenance (expiring deliveries whose lease ran out, archiving) runs in every process that
    // runs workers, once per interval across them all: often enough that a dead worker's job is retried soon after
    // its lease ends.
    schedule: false,
    supervise: config.jobWorkers > 0,
    maintenanceIntervalSeconds: Math.max(1, Math.round(leaseSeconds / 4)),
    ...poolBounds,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  /**
   * A delivery holds a lease of `JOB_LEASE_SECONDS`, renewed while it runs; one whose worker died is retried once the
   * lease has run out. A failed delivery is retried twice, seconds apart, before the job is marked failed for good.
   */
  const retryPolicy = { retryLimit: 2, retryDelay: 2, retryBackoff: true, expireInSeconds: leaseSeconds };
  const queuePolicy = { ...retryPolicy, deadLetter: abandonedQueue };
  // pg-boss installs its schema and queues on first start; instances starting together take turns.
  await fastify.withSchemaLock(async () => {
    await boss.start();
    // Before the queues that name it: the queue's record of a job refers to its dead-letter queue.
    if (!(await boss.getQueue(abandonedQueue))) await boss.createQueue(abandonedQueue, { name: abandonedQueue });
    for (const kind of jobKindSchema.options) {
      if (await boss.getQueue(kind)) await boss.updateQueue(kind, { name: kind, ...queuePolicy });
      else await boss.createQueue(kind, { name: kind, ...queuePolicy });
    }
    // A task has no `jobs` row for a dead letter to mark failed: once its retries are used up it stays failed in the queue.
    for (const queue of taskQueues) {
      if (await boss.getQueue(queue)) await boss.updateQueue(queue, { name: queue, ...retryPolicy });
      else await boss.createQueue(queue, { name: queue, ...retryPolicy });
    }
  });
  const queueDb = boss.getDb();

  const handlers = new Map<string, JobHandler>();
  const slots: Promise<void>[] = [];
  const startedQueues = new Set<string>();
  /** Slots waiting for work, by queue: `enqueue` wakes them, so a job queued in this process starts at once. */
  const idleSlots = new Map<string, Set<() => void>>();
  const runningDeliveries = new Map<string, { queue: string; retryCount: number; abandon(): void }>();
  const sweeps: { everyMs: number; task: () => Promise<void>; timer?: NodeJS.Timeout; run?: Promise<void> }[] = [];
  let stopping = false;

  const wake = (queue: string) => {
    for (const resume of idleSlots.get(queue) ?? []) resume();
  };
  const waitForWork = (queue: string) =>
    new Promise<void>((resolve) => {
      const idle = idleSlots.get(queue) ?? new Set();
      idleSlots.set(queue, idle);
      const resume = () => {
        clearTimeout(timer);
        idle.delete(resume);
        resolve();
      };
      const timer = setTimeout(resume, pollingIntervalMs);
      idle.add(resume);
    });

  /** Renews on a timer, not on progress: a slow step of the work (a big query, a slow connection) keeps its lease. */
  function holdLease(queue: string, delivery: PgBoss.JobWithMetadata<unknown>) {
    const lost = new AbortController();
    let renewing = false;
    const renew = async () => {
      if (renewing) return;
      renewing = true;
      try {
        const { rows } = await queueDb.executeSql(renewLeaseSql, [queue, delivery.id, delivery.retryCount, leaseSeconds]);
        if (rows.length > 0) return;
        clearInterval(timer);
        log.warn({ queue, jobId: delivery.id }, 'job lease lost: the queue gave the job to another delivery');
        lost.abort();
      } catch (error) {
        // A renewal comes every third of the lease: one that fails leaves time for the next.
        log.warn({ err: error, queue, jobId: delivery.id }, 'renewing a job lease failed');
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void renew(), (leaseSeconds * 1000) / 3);
    return {
      lost: lost.signal,
      release: () => clearInterval(timer),
      /** Gives the delivery up: its work stops at its next progress report and records nothing. */
      abandon() {
        clearInterval(timer);
        lost.abort();
      },
    };
  }

  async function runDelivery(queue: string, handler: JobHandler, delivery: PgBoss.JobWithMetadata<unknown>) {
    const lease = holdLease(queue, delivery);
    runningDeliveries.set(delivery.id, { queue, retryCount: delivery.retryCount, abandon: lease.abandon });
    let failure: object | undefined;
    try {
      const payload = queuedJobSchema.safeParse(delivery.data);
      // Retrying cannot make an unknown shape known: record it and let the delivery complete.
      if (!payload.success) log.error({ queue, deliveryId: delivery.id, issues: payload.error.issues }, 'job payload not understood');
      else await handler(payload.data.jobId, { final: delivery.retryCount >= delivery.retryLimit, leaseLost: lease.lost });
    } catch (error) {
      failure = error instanceof Error ? error : { message: String(error) };
    } finally {
      lease.release();
      runningDeliveries.delete(delivery.id);
    }
    // A delivery that lost its lease, or was handed back, no longer owns the queue's record.
    if (lease.lost.aborted) return;
    try {
      // A failure is retried after the queue's delay, or marks the job failed once the retries are used up.
      if (failure) await boss.fail(queue, delivery.id, failure);
      else await boss.complete(queue, delivery.id);
    } catch (error) {
      log.error({ err: error, queue, jobId: delivery.id }, 'recording a job delivery’s outcome failed; it is retried when its lease runs out');
    }
  }

  async function runSlot(queue: string, handler: JobHandler) {
    while (!stopping) {
      let delivery: PgBoss.JobWithMetadata<unknown> | undefined;
      try {
        [delivery] = await boss.fetch<unknown>(queue, { batchSize: 1, includeMetadata: true });
      } catch (error) {
        log.error({ err: error, queue }, 'fetching a job failed');
      }
      if (delivery) await runDelivery(queue, handler, delivery);
      else await waitForWork(queue);
    }
  }

  function startSweep(sweep: (typeof sweeps)[number]) {
    const run = () => {
      if (sweep.run || stopping) return;
      sweep.run = sweep
        .task()
        .catch((error) => log.error({ err: error }, 'a sweep failed; the next one tries again'))
        .finally(() => (sweep.run = undefined));
    };
    run();
    sweep.timer = setInterval(run, sweep.everyMs);
    sweep.timer.unref();
  }

  fastify.addHook('onClose', async () => {
    stopping = true;
    for (const sweep of sweeps) clearInterval(sweep.timer);
    for (const queue of idleSlots.keys()) wake(queue);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...slots, ...sweeps.map((sweep) => sweep.run)]), new Promise((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)))]);
    clearTimeout(timer);
    // Deliveries still running are handed back to the queue, to be taken at once by another worker rather than after
    // their lease, before the database closes under them. Not through `fail`: a deploy is not the job's failure, and
    // would use up one of its attempts (the last one sending it to the dead letters).
    for (const [id, { queue, retryCount, abandon }] of runningDeliveries) {
      abandon();
      await queueDb.executeSql(handBackSql, [queue, id, retryCount]).catch((error: unknown) => log.error({ err: error, jobId: id }, 'handing a job back failed; it is retried when its lease runs out'));
    }
    await boss.stop({ graceful: false });
  });

  fastify.decorate('jobs', {
    async enqueue(kind: JobKind, jobId: string) {
      await boss.send(kind, { v: 1, jobId }, { id: jobId });
      wake(kind);
    },
    async schedule(queue: TaskQueue, id: string, at: Date) {
      // As a delay: the queue counts it from the database's clock, so `at` keeps its distance from the app's clock
      // (which tests set) whatever the two clocks say.
      const delaySeconds = (at.getTime() - fastify.clock.now().getTime()) / 1000;
      await boss.send(queue, { v: 1, jobId: id }, { id, startAfter: Math.max(0, delaySeconds) });
      if (delaySeconds <= 0) wake(queue);
    },
    work(queue: JobKind | TaskQueue, handler: JobHandler) {
      handlers.set(queue, handler);
    },
    settleAbandoned(handler: (jobId: string) => Promise<void>) {
      handlers.set(abandonedQueue, handler);
    },
    sweep(everyMs: number, task: () => Promise<void>) {
      sweeps.push({ everyMs, task });
    },
    async startWorkers() {
      for (const [queue, handler] of handlers) {
        if (startedQueues.has(queue)) continue;
        startedQueues.add(queue);
        // Dead letters and tasks are few and quick: one slot per process runs them.
        const slotCount = fewAndQuick.has(queue) ? Math.min(1, config.jobWorkers) : config.jobWorkers;
        for (let slot = 0; slot < slotCount; slot++) slots.push(runSlot(queue, handler));
      }
      for (const sweep of sweeps) if (!sweep.timer) startSweep(sweep);
    },
  });
}

export default fp(jobsPlugin, { name: 'jobs', dependencies: ['config', 'database'] });
