import { createServer, Socket, type Server } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Job } from '#shared/contracts/jobs.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { demoAccounts } from '../../db/seed.ts';
import { spawnInstanceOf, startTestApp, type InstanceProcess, type TestApp } from '../../test-app.ts';
import { openSocket } from '../../test-socket.ts';

// Workers in processes of their own, one of them SIGKILLed mid-export: only PostgreSQL and Redis reach across
// processes (PGlite and the in-process channel layer live inside one), so this proof runs in CI's second mode.
const scaled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

const leaseSeconds = 3;
const [owner] = demoAccounts;

/**
 * A TCP proxy in front of PostgreSQL that holds every chunk, both ways, for `delayMs`: each query a worker sends
 * through it takes at least two delays, so an export of a few thousand snips runs for seconds, for real.
 */
async function startSlowProxy(databaseUrl: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
    from.on('close', () => setTimeout(() => to.destroy(), delayMs));
    from.on('error', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = new Socket().connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `check` until it returns a value, or fails after `seconds`. */
async function waitFor<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${seconds} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!scaled)('a job whose worker dies', () => {
  let t: TestApp;
  let sql: postgres.Sql;
  const environment = { JOB_LEASE_SECONDS: String(leaseSeconds) };
  beforeAll(async () => {
    // This app takes the requests and runs no workers: the jobs run in the worker processes each test starts.
    t = await startTestApp({ environment: { ...environment, JOB_WORKERS: '0' } });
    sql = postgres(t.config.databaseUrl!, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  const spawnWorker = async (databaseUrl = t.config.databaseUrl!): Promise<InstanceProcess> => {
    const worker = await spawnInstanceOf({ config: { ...t.config, databaseUrl } }, { ...environment, JOB_WORKERS: '1' }, 'worker.ts');
    onTestFinished(() => worker.crash());
    return worker;
  };
  const slowDatabase = async () => {
    const proxy = await startSlowProxy(t.config.databaseUrl!, 40);
    onTestFinished(() => proxy.close());
    return proxy.url;
  };
  const addSnips = async (count: number) => {
    await sql`
      insert into snips (workspace_id, author_id, title, body, language, visibility)
      select ${owner!.workspaceId}, ${owner!.id}, 'Bulk ' || n, 'x', 'go', 'workspace' from generate_series(1, ${count}) n`;
  };
  const startExport = async () => {
    const client = await t.signIn(owner!.email);
    const response = await client.request({ method: 'POST', url: '/api/exports', payload: {} });
    expect(response.statusCode, response.body).toBe(202);
    return response.json<Job>().id;
  };
  const jobRow = async (id: string) => {
    const [row] = await sql<{ status: string; done: number; total: number | null; error: string | null }[]>`select status, done, total, error from jobs where id = ${id}`;
    return row!;
  };
  const runningWithProgress = (id: string) =>
    waitFor('the export to be running with progress', 60, async () => {
      const row = await jobRow(id);
      return row.status === 'running' && row.done > 0 ? row : undefined;
    });
  /** The job once it is no longer running, whichever way it ended. */
  const ended = (id: string) =>
    waitFor('the export to end', 120, async () => {
      const row = await jobRow(id);
      return row.status === 'running' ? undefined : row;
    });
  /** The queue's record of the job's current delivery: its retry count and limit, and when its lease runs out. */
  const delivery = async (id: string) => {
    const [row] = await sql<{ state: string; retryCount: number; retryLimit: number; leaseEnd: Date | null; now: Date }[]>`
      select state, retry_count as "retryCount", retry_limit as "retryLimit", started_on + expire_in as "leaseEnd", now()
      from pgboss.job where id = ${id}`;
    return row!;
  };
  const results = async (id: string) => {
    const [files] = await sql<{ count: number }[]>`select count(*)::int from export_files where job_id = ${id}`;
    const [notified] = await sql<{ count: number }[]>`select count(*)::int from notifications where job_id = ${id} and kind = 'job_finished'`;
    return { files: files!.count, notifications: notified!.count };
  };

  it('is picked up by another worker within the lease and finishes with one file and one notification', async () => {
    await addSnips(3000);
    const first = await spawnWorker(await slowDatabase());
    const id = await startExport();
    await runningWithProgress(id);
    await first.crash();
    const crashedAt = Date.now();
    expect(await jobRow(id)).toMatchObject({ status: 'running' });

    await spawnWorker();
    const finished = await ended(id);
    const seconds = (Date.now() - crashedAt) / 1000;
    expect(finished).toMatchObject({ status: 'succeeded', done: 3008, total: 3008 });
    // The lease runs out, maintenance (every quarter lease) notices, the retry waits 2 to 4 s, then a poll and the
    // export itself: far from pg-boss's old fifteen minutes, with room for a loaded machine.
    expect(seconds).toBeLessThan(leaseSeconds + 25);
    expect(await results(id)).toEqual({ files: 1, notifications: 1 });
    // The queue records the delivery's completion just after the job's own row says succeeded.
    expect(await waitFor('the delivery to be completed', 10, async () => ((await delivery(id)).state === 'completed' ? delivery(id) : undefined))).toMatchObject({ retryCount: 1 });
  }, 180_000);

  it('is handed back, with no attempt used up, when its worker is stopped by a deploy, and another worker finishes it', async () => {
    // Enough snips that the export is still running when the worker is stopped; the tests before may have added them.
    const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int from snips where workspace_id = ${owner!.workspaceId}`;
    await addSnips(Math.max(0, 3000 - count));
    const first = await spawnWorker(await slowDatabase());
    const id = await startExport();
    await runningWithProgress(id);
    await first.stop();
    expect(await delivery(id)).toMatchObject({ state: 'created', retryCount: 0 });

    await spawnWorker();
    const finished = await ended(id);
    expect(finished).toMatchObject({ status: 'succeeded' });
    expect(await results(id)).toEqual({ files: 1, notifications: 1 });
    expect(await waitFor('the delivery to be completed', 10, async () => ((await delivery(id)).state === 'completed' ? delivery(id) : undefined))).toMatchObject({ retryCount: 0 });
  }, 180_000);

  it('is not taken from a live worker whose export runs longer than the lease: the lease is renewed', async () => {
    await addSnips(500);
    await spawnWorker(await slowDatabase());
    const id = await startExport();
    const running = await waitFor('the export to be running', 60, async () => {
      const [row, { state, leaseEnd }] = await Promise.all([jobRow(id), delivery(id)]);
      return row.status === 'running' && state === 'active' ? leaseEnd! : undefined;
    });
    const startedAt = Date.now();
    let done = 0;
    let renewals = 0;
    let lastLeaseEnd = running;
    for (;;) {
      const [row, queued] = await Promise.all([jobRow(id), delivery(id)]);
      // The delivery that started it is the only one: the queue never retried it and its progress never restarted.
      expect(queued.retryCount).toBe(0);
      expect(row.done).toBeGreaterThanOrEqual(done);
      done = row.done;
      if (row.status !== 'running') break;
      if (queued.state === 'active') {
        // A short lease, so that a crash is noticed soon, kept alive while the work goes on.
        expect(queued.leaseEnd!.getTime() - queued.now.getTime()).toBeLessThanOrEqual((leaseSeconds + 1) * 1000);
        if (queued.leaseEnd!.getTime() > lastLeaseEnd.getTime()) renewals++;
        lastLeaseEnd = queued.leaseEnd!;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Slow enough to prove something: it outlived its lease twice over.
    expect(Date.now() - startedAt).toBeGreaterThan(2 * leaseSeconds * 1000);
    expect(renewals).toBeGreaterThanOrEqual(2);
    const finished = await jobRow(id);
    expect(finished).toMatchObject({ status: 'succeeded', done: finished.total });
    expect(finished.done).toBeGreaterThanOrEqual(3500);
    expect(await results(id)).toEqual({ files: 1, notifications: 1 });
    await waitFor('the queue to record the delivery as completed', 10, async () => ((await delivery(id)).state === 'completed' ? true : undefined));
    expect(await delivery(id)).toMatchObject({ retryCount: 0 });
  }, 120_000);

  it('ends failed, with one notification and Retry, when its last allowed delivery dies too', async () => {
    await addSnips(500);
    const client = await t.signIn(owner!.email);
    const started = await client.request({ method: 'POST', url: '/api/exports', payload: {} });
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json<Job>().id;
    const stream = `job:${id}`;
    const watcher = await openSocket(await t.listen(), client);
    onTestFinished(() => watcher.ws.close());
    watcher.send({ v: 1, type: 'subscribe', stream });

    // Every delivery the queue allows, the first and each retry, dies with its worker.
    const slowUrl = await slowDatabase();
    for (let attempt = 0; ; attempt++) {
      const worker = await spawnWorker(slowUrl);
      const running = await waitFor(`delivery ${attempt} to be running`, 60, async () => {
        const [row, queued] = await Promise.all([jobRow(id), delivery(id)]);
        return row.status === 'running' && queued.state === 'active' && queued.retryCount === attempt ? queued : undefined;
      });
      await worker.crash();
      if (attempt === running.retryLimit) break;
    }
    const crashedAt = Date.now();
    expect(await jobRow(id)).toMatchObject({ status: 'running' });

    // A worker that lives: its maintenance expires the last lease, and the job is settled as failed.
    await spawnWorker();
    const finished = await waitFor('the export to fail', 60, async () => {
      const row = await jobRow(id);
      return row.status === 'running' ? undefined : row;
    });
    const seconds = (Date.now() - crashedAt) / 1000;
    expect(finished).toMatchObject({ status: 'failed', error: 'Something went wrong while running this job. Try it again.' });
    // The lease runs out, maintenance (every quarter lease) notices, the dead letter is fetched within a poll: with
    // room for starting the worker on a loaded machine.
    expect(seconds).toBeLessThan(leaseSeconds + 20);
    expect(await results(id)).toEqual({ files: 0, notifications: 1 });
    expect(await delivery(id)).toMatchObject({ state: 'failed' });
    const failedUpdate = (message: ServerMessage) =>
      message.stream === stream && message.type === 'update' && message.state.kind === 'job' && message.state.status === 'failed';
    await watcher.next(failedUpdate);

    const retried = await client.request({ method: 'POST', url: `/api/jobs/${id}/retry` });
    expect(retried.statusCode, retried.body).toBe(202);
    const again = retried.json<Job>().id;
    expect(await waitFor('the retried export to succeed', 60, async () => {
      const row = await jobRow(again);
      return row.status === 'queued' || row.status === 'running' ? undefined : row;
    })).toMatchObject({ status: 'succeeded' });
    expect(await results(again)).toEqual({ files: 1, notifications: 1 });
    expect(await jobRow(id)).toMatchObject({ status: 'failed' });
  }, 240_000);
});
