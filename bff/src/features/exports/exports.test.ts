import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exportFileSchema, type Job } from '#shared/contracts/jobs.ts';
import { snipLimits } from '#shared/contracts/snips.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { exportFileChunks, exportFiles, jobs, snips } from '../../db/schema.ts';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';
import { openSocket, type TestSocket } from '../../test-socket.ts';
import { maxExportMegabytes, maxSnipsPerExport } from './export-job.ts';

const [owner, member] = demoAccounts;

describe('exports as background jobs', () => {
  let test: TestApp;
  let origin: string;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    test = await startTestApp();
    origin = await test.listen();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.ws.close();
  });
  afterAll(() => test.close());

  const startExport = async (client: TestClient, body: object = {}) => {
    const response = await client.request({ method: 'POST', url: '/api/exports', payload: body });
    expect(response.statusCode, response.body).toBe(202);
    return response.json<Job>();
  };
  const watch = async (client: TestClient, jobId: string) => {
    const socket = await openSocket(origin, client);
    sockets.push(socket);
    socket.send({ v: 1, type: 'subscribe', stream: `job:${jobId}` });
    await socket.next((message) => message.type === 'snapshot');
    return socket;
  };
  const finished = (message: ServerMessage) => (message.type === 'update' || message.type === 'snapshot') && message.state.kind === 'job' && message.state.status === 'succeeded';

  it('answers 202 with a queued job, streams its progress batch by batch, and serves the file it produced', async () => {
    const client = await test.signIn(owner!.email);
    // 250 more snips make three batches of progress.
    await test.app.db.insert(snips).values(
      Array.from({ length: 250 }, (_, i) => ({ workspaceId: owner!.workspaceId, authorId: owner!.id, title: `Bulk ${i}`, body: 'x', language: 'go' as const, visibility: 'workspace' as const })),
    );
    const job = await startExport(client);
    expect(job).toMatchObject({ kind: 'export', status: 'queued', progress: { done: 0, total: null }, resultUrl: null });
    const socket = await watch(client, job.id);
    expect(socket.messages[0]).toMatchObject({ type: 'snapshot', seq: 1, state: { kind: 'job', status: 'queued' } });

    await test.app.jobs.startWorkers();
    await socket.next(finished);
    const states = socket.messages.flatMap((message) => (message.type === 'update' && message.state.kind === 'job' ? [{ seq: message.seq, ...message.state }] : []));
    const total = 258; // the owner's eight visible demo snips and the 250 above
    expect(states.map(({ status, progress }) => [status, progress.done, progress.total])).toEqual([
      ['running', 0, null],
      ['running', 0, total],
      ['running', 100, total],
      ['running', 200, total],
      ['running', total, total],
      ['succeeded', total, total],
    ]);
    expect(states.map((state) => state.seq)).toEqual([2, 3, 4, 5, 6, 7]);

    const done = (await client.request({ method: 'GET', url: `/api/jobs/${job.id}` })).json<Job>();
    expect(done).toMatchObject({ status: 'succeeded', error: null, resultUrl: `/api/exports/${job.id}/file` });
    const file = await client.request({ method: 'GET', url: done.resultUrl! });
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="acme-snips-\d{4}-\d{2}-\d{2}\.json"$/);
    const exported = exportFileSchema.parse(file.json());
    expect(exported.snips).toHaveLength(total);
    // Through the owner's scope: the workspace's snips and public ones, never a colleague's private snip.
    expect(exported.snips.map((snip) => snip.title)).not.toContain('My scratchpad');
    expect(exported.workspace.name).toBe('Acme');
  });

  it('exports what the list filters select, and tells the owner, live, that it finished', async () => {
    const client = await test.signIn(member!.email);
    const bell = await openSocket(origin, client);
    sockets.push(bell);
    bell.send({ v: 1, type: 'subscribe', stream: `user:${member!.id}` });
    await bell.next((message) => message.type === 'snapshot');
    const job = await startExport(client, { filters: { language: 'markdown' } });
    await test.app.jobs.startWorkers();
    await bell.next((message) => message.type === 'update' && message.state.kind === 'user' && message.state.unread === 1);
    const notifications = (await client.request({ method: 'GET', url: '/api/notifications' })).json();
    expect(notifications.items[0]).toMatchObject({ kind: 'job_finished', actorName: null, snip: null, job: { id: job.id, kind: 'export', status: 'succeeded' } });
    const exported = exportFileSchema.parse((await client.request({ method: 'GET', url: `/api/exports/${job.id}/file` })).json());
    // Markdown snips the member can see: their own checklist, not the PM's private roadmap.
    expect(exported.snips.map((snip) => snip.title)).toEqual(['Release checklist']);
  });

  it('keeps a job and its file to its owner, in the workspace it ran in', async () => {
    const client = await test.signIn(owner!.email);
    const job = await startExport(client);
    await test.app.jobs.startWorkers();
    await (await watch(client, job.id)).next(finished);
    for (const email of [member!.email, 'outsider@example.com']) {
      const other = await test.signIn(email);
      expect((await other.request({ method: 'GET', url: `/api/jobs/${job.id}` })).statusCode).toBe(404);
      expect((await other.request({ method: 'GET', url: `/api/exports/${job.id}/file` })).statusCode).toBe(404);
      expect((await other.request({ method: 'POST', url: `/api/jobs/${job.id}/cancel` })).statusCode).toBe(404);
      const socket = await openSocket(origin, other);
      sockets.push(socket);
      socket.send({ v: 1, type: 'subscribe', stream: `job:${job.id}` });
      expect(await socket.next(() => true)).toMatchObject({ type: 'denied' });
    }
    // The owner in another workspace (they are also a member of Globex) does not see it either.
    const switched = await client.request({ method: 'PUT', url: '/api/session/workspace', payload: { workspaceId: demoAccounts[4]!.workspaceId } });
    expect(switched.statusCode).toBe(200);
    expect((await client.request({ method: 'GET', url: `/api/exports/${job.id}/file` })).statusCode).toBe(404);
  });

  it('still serves a file written before files were chunked (its whole text in its row), to its owner only', async () => {
    const [job] = await test.app.db
      .insert(jobs)
      .values({ kind: 'export', userId: owner!.id, workspaceId: owner!.workspaceId, status: 'succeeded', input: { filters: {} }, finishedAt: test.clock.now() })
      .returning({ id: jobs.id });
    const body = JSON.stringify({ format: 'snipdesk-export', version: 1, exportedAt: '2025-01-02T03:04:05.000Z', workspace: { id: owner!.workspaceId, name: 'Acme' }, snips: [] }, null, 2);
    await test.app.db.insert(exportFiles).values({ jobId: job!.id, fileName: 'acme-snips-2025-01-02.json', body });

    const file = await (await test.signIn(owner!.email)).request({ method: 'GET', url: `/api/exports/${job!.id}/file` });
    expect(file.statusCode).toBe(200);
    expect(file.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'content-disposition': 'attachment; filename="acme-snips-2025-01-02.json"' });
    expect(file.body).toBe(body);
    expect((await (await test.signIn(member!.email)).request({ method: 'GET', url: `/api/exports/${job!.id}/file` })).statusCode).toBe(404);
  });

  it('clears the chunks a delivery that died left behind, and keeps only those of the file it stored', async () => {
    const client = await test.signIn(owner!.email);
    // As if a delivery of this job had died halfway through writing its file, and the queue handed it on.
    const [job] = await test.app.db
      .insert(jobs)
      .values({ kind: 'export', userId: owner!.id, workspaceId: owner!.workspaceId, status: 'running', input: { filters: {} } })
      .returning({ id: jobs.id });
    await test.app.db.insert(exportFileChunks).values([0, 1].map((seq) => ({ jobId: job!.id, delivery: randomUUID(), seq, body: '{"half": "a file' })));
    const socket = await watch(client, job!.id);
    await test.app.jobs.enqueue('export', job!.id);
    await test.app.jobs.startWorkers();
    await socket.next(finished);

    const file = await client.request({ method: 'GET', url: `/api/exports/${job!.id}/file` });
    expect(exportFileSchema.parse(file.json()).workspace.name).toBe('Acme');
    const [stored] = await test.app.db.select({ delivery: exportFiles.delivery }).from(exportFiles).where(eq(exportFiles.jobId, job!.id));
    const chunks = await test.app.db.select({ delivery: exportFileChunks.delivery, body: exportFileChunks.body }).from(exportFileChunks).where(eq(exportFileChunks.jobId, job!.id));
    expect(chunks.map((chunk) => chunk.delivery)).toEqual([stored!.delivery]);
    expect(chunks[0]!.body).toBe(file.body);
  });

  it('validates the request: unknown filters and fields are refused with the field named', async () => {
    const client = await test.signIn(owner!.email);
    const response = await client.request({ method: 'POST', url: '/api/exports', payload: { filters: { language: 'cobol' } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_request');
    expect((await client.request({ method: 'POST', url: '/api/exports', payload: { workspaceId: owner!.workspaceId } })).statusCode).toBe(400);
  });
});

describe('cancelling, failing and retrying jobs', () => {
  let test: TestApp;
  let origin: string;
  beforeAll(async () => {
    test = await startTestApp();
    origin = await test.listen();
  });
  afterAll(() => test.close());

  it('a cancelled job never runs, and a retry starts a new job with the same input', async () => {
    const client = await test.signIn(owner!.email);
    const job = (await client.request({ method: 'POST', url: '/api/exports', payload: { filters: { language: 'sql' } } })).json<Job>();
    const socket = await openSocket(origin, client);
    socket.send({ v: 1, type: 'subscribe', stream: `job:${job.id}` });
    await socket.next((message) => message.type === 'snapshot');
    const cancelled = await client.request({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', resultUrl: null });
    await socket.next((message) => message.type === 'update' && message.state.kind === 'job' && message.state.status === 'cancelled');
    expect((await client.request({ method: 'POST', url: `/api/jobs/${job.id}/cancel` })).json().error.code).toBe('job_finished');

    const retry = await client.request({ method: 'POST', url: `/api/jobs/${job.id}/retry` });
    expect(retry.statusCode).toBe(202);
    const again = retry.json<Job>();
    expect(again.id).not.toBe(job.id);
    await test.app.jobs.startWorkers();
    const retried = await openSocket(origin, client);
    retried.send({ v: 1, type: 'subscribe', stream: `job:${again.id}` });
    await retried.next((message) => 'state' in message && message.state.kind === 'job' && message.state.status === 'succeeded');
    // The cancelled job stayed cancelled: its delivery found nothing to do.
    expect((await client.request({ method: 'GET', url: `/api/jobs/${job.id}` })).json()).toMatchObject({ status: 'cancelled' });
    const exported = exportFileSchema.parse((await client.request({ method: 'GET', url: `/api/exports/${again.id}/file` })).json());
    expect(exported.snips.map((snip) => snip.title)).toEqual(['Find slow queries']);
    expect((await client.request({ method: 'POST', url: `/api/jobs/${again.id}/retry` })).json().error.code).toBe('job_not_retryable');
    socket.ws.close();
    retried.ws.close();
  });

  it('fails with a reason its owner can act on when they left the workspace before it ran', async () => {
    // Its own app: the workers of this one are already running, and this job must wait for the removal.
    const test = await startTestApp();
    onTestFinished(() => test.close());
    const client = await test.signIn('pm@example.com');
    const job = (await client.request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
    // The job outlives the membership it was started under; the worker acts as its owner as they are now.
    const admin = await test.signIn(owner!.email);
    const removed = await admin.request({ method: 'DELETE', url: `/api/workspaces/${owner!.workspaceId}/members/${demoAccounts[3]!.id}` });
    expect(removed.statusCode).toBe(204);
    await test.app.jobs.startWorkers();
    await expect.poll(async () => (await test.app.db.select({ status: jobs.status, error: jobs.error }).from(jobs).where(eq(jobs.id, job.id)))[0]).toEqual({
      status: 'failed',
      error: 'You are no longer a member of the workspace this job ran in.',
    });
  });
});

describe('limits, retried requests and restarts', () => {
  const statusOf = async (test: TestApp, id: string) => (await test.app.db.select({ status: jobs.status, error: jobs.error }).from(jobs).where(eq(jobs.id, id)))[0];

  it('starts one job for a request retried with the same Idempotency-Key', async () => {
    const test = await startTestApp();
    onTestFinished(() => test.close());
    const client = await test.signIn(owner!.email);
    const start = () => client.request({ method: 'POST', url: '/api/exports', payload: {}, headers: { 'idempotency-key': 'export-once' } });
    const first = await start();
    const retry = await start();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(await test.app.db.select({ id: jobs.id }).from(jobs)).toHaveLength(1);
  });

  it('refuses to build a file of more than 10,000 snips, saying how to narrow it', { timeout: 60_000 }, async () => {
    const test = await startTestApp();
    onTestFinished(() => test.close());
    const many = Array.from({ length: maxSnipsPerExport }, (_, i) => ({
      workspaceId: owner!.workspaceId, authorId: owner!.id, title: `Many ${i}`, body: 'x', language: 'go' as const, visibility: 'workspace' as const,
    }));
    for (let i = 0; i < many.length; i += 1_000) await test.app.db.insert(snips).values(many.slice(i, i + 1_000));
    const client = await test.signIn(owner!.email);
    const tooMany = (await client.request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
    const narrowed = (await client.request({ method: 'POST', url: '/api/exports', payload: { filters: { language: 'sql' } } })).json<Job>();
    await test.app.jobs.startWorkers();
    // Counting 10,008 snips takes a while on a busy machine: the polls wait for it within the test's bound.
    await expect.poll(() => statusOf(test, tooMany.id), { timeout: 25_000 }).toEqual({
      status: 'failed',
      error: `This export would hold ${maxSnipsPerExport + 8} snips; at most ${maxSnipsPerExport} fit in one. Narrow it with filters.`,
    });
    await expect.poll(() => statusOf(test, narrowed.id), { timeout: 25_000 }).toEqual({ status: 'succeeded', error: null });
  });

  it('refuses to build a file larger than its size limit, however few snips it holds', { timeout: 60_000 }, async () => {
    const test = await startTestApp();
    onTestFinished(() => test.close());
    const body = 'x'.repeat(snipLimits.bodyMax);
    const enough = Math.ceil((maxExportMegabytes * 1024 * 1024) / body.length) + 1;
    for (let i = 0; i < enough; i += 50) {
      await test.app.db.insert(snips).values(
        Array.from({ length: Math.min(50, enough - i) }, (_, j) => ({
          workspaceId: owner!.workspaceId, authorId: owner!.id, title: `Large ${i + j}`, body, language: 'go' as const, visibility: 'workspace' as const,
        })),
      );
    }
    const client = await test.signIn(owner!.email);
    const tooLarge = (await client.request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
    await test.app.jobs.startWorkers();
    // Writing 25 MB first takes a second or several on a busy machine: the poll waits for it within the test's bound.
    await expect.poll(() => statusOf(test, tooLarge.id), { timeout: 50_000 }).toEqual({
      status: 'failed',
      error: `This export would be larger than ${maxExportMegabytes} MB. Narrow it with filters.`,
    });
    // What it wrote before it crossed the limit is not kept.
    expect(await test.app.db.select({ seq: exportFileChunks.seq }).from(exportFileChunks)).toEqual([]);
  });

  // The next process of the deployment: the same PostgreSQL database, or the same PGlite directory once the first
  // process has stopped (PGlite belongs to one process).
  async function nextProcessOf(first: TestApp, dataDir: string) {
    if (first.config.databaseUrl) return startTestApp({ instanceOf: first });
    await first.app.close();
    return startTestApp({ environment: { DATA_DIR: dataDir } });
  }

  it('runs a job queued before a restart, and queues again one that was stored but never queued', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'snipdesk-jobs-'));
    const first = await startTestApp({ environment: { DATA_DIR: dataDir } });
    const queued = (await (await first.signIn(owner!.email)).request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
    // As if the process had stopped between storing this job and handing it to the queue.
    const [stranded] = await first.app.db
      .insert(jobs)
      .values({ kind: 'export', userId: owner!.id, workspaceId: owner!.workspaceId, input: { filters: {} }, createdAt: new Date(first.clock.now().getTime() - 120_000) })
      .returning({ id: jobs.id });
    const next = await nextProcessOf(first, dataDir);
    onTestFinished(async () => {
      await next.close();
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    });
    await next.app.jobs.startWorkers();
    await expect.poll(() => statusOf(next, queued.id)).toEqual({ status: 'succeeded', error: null });
    await expect.poll(() => statusOf(next, stranded!.id)).toEqual({ status: 'succeeded', error: null });
  });
});
