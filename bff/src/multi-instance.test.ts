import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionEndReasons, type ServerMessage } from '#shared/realtime/messages.ts';
import { loadConfig } from './config.ts';
import { freshDatabase, signInOverHttp, spawnInstanceOf, startTestApp, type InstanceProcess, type TestApp } from './test-app.ts';
import { openSocket, type TestSocket } from './test-socket.ts';

// Two BFF instances of one deployment: one PostgreSQL database, one Redis. PGlite lives inside one process and the
// in-process channel layer reaches only its own process, so this proof needs both URLs; CI's second run sets them.
const scaled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

describe.skipIf(!scaled)('two instances behind one Redis', () => {
  let first: TestApp;
  let second: TestApp;
  let firstOrigin: string;
  let secondOrigin: string;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ instanceOf: first });
    [firstOrigin, secondOrigin] = [await first.listen(), await second.listen()];
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const updateOf = (stream: string, version: number) => (message: ServerMessage) =>
    message.stream === stream && (message.type === 'snapshot' || message.type === 'update') && message.state.kind === 'snip' && message.state.version === version;

  it('delivers a change made through one instance to a socket on the other', async () => {
    const author = await first.signIn('member@example.com');
    const snip = (await author.request({ method: 'POST', url: '/api/snips', payload: { title: 'Fan-out', body: 'x', language: 'go' } })).json();
    const stream = `snip:${snip.id}`;
    const reader = await openSocket(secondOrigin, await second.signIn('owner@example.com'));
    reader.send({ v: 1, type: 'subscribe', stream });
    await reader.next(updateOf(stream, 1));
    await author.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Fanned out', version: 1 } });
    expect(await reader.next(updateOf(stream, 2))).toMatchObject({ type: 'update', seq: 2 });
    // A comment posted through the first instance reaches the reader on the second.
    await author.request({ method: 'POST', url: `/api/snips/${snip.id}/comments`, payload: { body: 'Across instances' } });
    await reader.next((m) => m.stream === stream && m.type === 'update' && m.state.kind === 'snip' && m.state.comments === 1);
    reader.ws.close();
  });

  it('signing out through one instance closes the session’s sockets on the other', async () => {
    const member = await first.signIn('member@example.com');
    const onSecond = await openSocket(secondOrigin, member);
    const onFirst = await openSocket(firstOrigin, member);
    await member.request({ method: 'DELETE', url: '/api/session' });
    expect((await onSecond.closed).code).toBe(4401);
    expect((await onFirst.closed).code).toBe(4401);
  });

  it('a session expiring through one instance closes its sockets on every instance at once', async () => {
    // Instances whose periodic sweep will not run during the test: only the announcement can close these sockets.
    const slowSweep = { REALTIME_SWEEP_SECONDS: '3600' };
    const [here, there] = [await startTestApp({ instanceOf: first, environment: slowSweep }), await startTestApp({ instanceOf: first, environment: slowSweep })];
    try {
      const member = await here.signIn('member@example.com');
      const onThere = await openSocket(await there.listen(), member);
      const onHere = await openSocket(await here.listen(), member);
      expect((await member.request({ method: 'POST', url: '/api/test-only/session/expire' })).statusCode).toBe(204);
      expect(await onThere.closed).toEqual({ code: 4401, reason: sessionEndReasons.expired });
      expect(await onHere.closed).toEqual({ code: 4401, reason: sessionEndReasons.expired });
    } finally {
      await there.close();
      await here.close();
    }
  });

  it('shows who is viewing a snip across instances, and forgets an instance that goes away', async () => {
    const third = await startTestApp({ instanceOf: first });
    const thirdOrigin = await third.listen();
    const snip = (await (await first.signIn('member@example.com')).request({ method: 'POST', url: '/api/snips', payload: { title: 'Watched', body: 'x', language: 'go' } })).json();
    const stream = `snip:${snip.id}`;
    const names = (list: string[]) => (message: ServerMessage) =>
      message.stream === stream && message.type === 'presence' && message.viewers.map((v) => v.name).join() === list.join();
    const onSecond = await openSocket(secondOrigin, await second.signIn('owner@example.com'));
    onSecond.send({ v: 1, type: 'subscribe', stream });
    await onSecond.next(names(['Olivia Owner']));
    const onThird = await openSocket(thirdOrigin, await third.signIn('viewer@example.com'));
    onThird.send({ v: 1, type: 'subscribe', stream });
    await onThird.next(names(['Olivia Owner', 'Vera Viewer']));
    await onSecond.next(names(['Olivia Owner', 'Vera Viewer']));
    onSecond.messages.length = 0;
    await third.app.close();
    await onSecond.next(names(['Olivia Owner']));
    onSecond.ws.close();
  });

  it('forgets the viewers of an instance that crashed once it has been quiet too long, and not while it lives', { timeout: 30_000 }, async () => {
    // Every instance involved sweeps (and so heartbeats) every second: a quiet one is forgotten after three.
    const quick = { REALTIME_SWEEP_SECONDS: '1' };
    const observer = await startTestApp({ instanceOf: first, environment: quick });
    let crashing: InstanceProcess | undefined;
    let watcher: TestSocket | undefined;
    let doomed: TestSocket | undefined;
    // Listens to the presence reports themselves, to tell how long the crashing instance has kept reporting.
    const reports = new Redis(observer.config.redisUrl!, { maxRetriesPerRequest: 2 });
    try {
      crashing = await spawnInstanceOf(first, quick);
      const snip = (await (await first.signIn('member@example.com')).request({ method: 'POST', url: '/api/snips', payload: { title: 'Crash-watched', body: 'x', language: 'go' } })).json();
      const stream = `snip:${snip.id}`;
      const names = (list: string[]) => (message: ServerMessage) =>
        message.stream === stream && message.type === 'presence' && message.viewers.map((v) => v.name).join() === list.join();

      // Both sessions start in the spawned process, on the real clock: a sign-in there prunes the sessions that ended
      // before its now, which includes every one started under the in-process apps' test clock (January 2026).
      const viewerCookie = await signInOverHttp(crashing.origin, 'viewer@example.com');
      const ownerCookie = await signInOverHttp(crashing.origin, 'owner@example.com');
      const observerOrigin = await observer.listen();
      watcher = await openSocket(observerOrigin, null, { origin: observerOrigin, cookie: viewerCookie });
      watcher.send({ v: 1, type: 'subscribe', stream });
      await watcher.next(names(['Vera Viewer']));
      doomed = await openSocket(crashing.origin, null, { origin: crashing.origin, cookie: ownerCookie });
      doomed.send({ v: 1, type: 'subscribe', stream });
      await watcher.next(names(['Olivia Owner', 'Vera Viewer']));

      // While it lives, its reports keep its viewer: four of them span three seconds or more, a whole staleness window.
      let heard = 0;
      const fourReports = new Promise<void>((resolve) => {
        reports.on('message', (_channel: string, payload: string) => {
          const report = JSON.parse(payload) as { viewers: { name: string }[] };
          if (report.viewers.some((viewer) => viewer.name === 'Olivia Owner') && ++heard === 4) resolve();
        });
      });
      await reports.subscribe(`${observer.config.redisPrefix}control:presence:${stream}`);
      await fourReports;
      expect(watcher.messages.filter((message) => message.type === 'presence').at(-1)).toSatisfy(names(['Olivia Owner', 'Vera Viewer']));

      watcher.messages.length = 0;
      await crashing.crash();
      // No goodbye was said: the observer drops the crashed instance's viewer when its last report goes stale.
      await watcher.next(names(['Vera Viewer']));
      expect((await doomed.closed).code).toBe(1006);
    } finally {
      watcher?.ws.close();
      doomed?.ws.terminate();
      await crashing?.crash();
      reports.disconnect();
      await observer.close();
    }
  });

  it('runs jobs in a worker process of its own, whose progress reaches a socket on an instance', { timeout: 30_000 }, async () => {
    // The in-process apps start no workers: only the spawned `npm run worker` process can run this job.
    const owner = await first.signIn('owner@example.com');
    const job = (await owner.request({ method: 'POST', url: '/api/exports', payload: { filters: { language: 'sql' } } })).json();
    const stream = `job:${job.id}`;
    const watcher = await openSocket(secondOrigin, owner);
    watcher.send({ v: 1, type: 'subscribe', stream });
    await watcher.next((message) => message.type === 'snapshot' && message.state.kind === 'job' && message.state.status === 'queued');
    const worker = await spawnInstanceOf(first, {}, 'worker.ts');
    try {
      await watcher.next((message) => message.type === 'update' && message.state.kind === 'job' && message.state.status === 'running');
      await watcher.next((message) => message.type === 'update' && message.state.kind === 'job' && message.state.status === 'succeeded');
      const file = (await owner.request({ method: 'GET', url: `/api/exports/${job.id}/file` })).json();
      expect(file.snips.map((snip: { title: string }) => snip.title)).toEqual(['Find slow queries']);
    } finally {
      watcher.ws.close();
      await worker.crash();
    }
  });

  it('a client of an instance that goes away resubscribes on the other and gets the latest state', async () => {
    const third = await startTestApp({ instanceOf: first });
    const thirdOrigin = await third.listen();
    const owner = await first.signIn('owner@example.com');
    const snip = (await owner.request({ method: 'POST', url: '/api/snips', payload: { title: 'Survivor', body: 'x', language: 'go' } })).json();
    const stream = `snip:${snip.id}`;
    const doomed = await openSocket(thirdOrigin, owner);
    doomed.send({ v: 1, type: 'subscribe', stream });
    await doomed.next(updateOf(stream, 1));
    await third.app.close();
    expect((await doomed.closed).code).toBe(1001);
    // Changed while the client had no socket at all:
    await owner.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Changed meanwhile', version: 1 } });
    const resumed = await openSocket(secondOrigin, owner);
    resumed.send({ v: 1, type: 'subscribe', stream });
    expect(await resumed.next((message) => message.stream === stream)).toMatchObject({ type: 'snapshot', seq: 2, state: { version: 2 } });
    resumed.ws.close();
  });
});

describe.skipIf(!scaled)('instances starting together on a fresh database', () => {
  it('take turns installing the schema and the job queue, and all start', { timeout: 60_000 }, async () => {
    const database = await freshDatabase();
    const deployment = { config: loadConfig({ DATABASE_URL: database.databaseUrl!, REDIS_URL: process.env.REDIS_URL!, REDIS_PREFIX: `snipdesk_test_${randomUUID()}:` }) };
    const started = await Promise.allSettled([1, 2, 3].map(() => spawnInstanceOf(deployment)));
    try {
      expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'running'))).toEqual(['running', 'running', 'running']);
    } finally {
      for (const result of started) if (result.status === 'fulfilled') await result.value.crash();
      await database.drop();
    }
  });
});
