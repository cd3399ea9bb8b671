import { sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { csrfHeader } from '#shared/contracts/session.ts';
import { postgresPoolSize } from './db/client.ts';
import { freshDatabase, signInOverHttp, spawnInstanceOf, startTestApp, type TestApp } from './test-app.ts';
import { startTcpProxy, type TcpProxy } from './test-tcp-proxy.ts';

/** The bounds: any request within 2 s, the health check within 1 s, SIGTERM within 10 s. */
const requestBoundMs = 2000;
const healthBoundMs = 1000;
const shutdownBoundMs = 10_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Timed = { status: number; code: string | undefined; retryAfter: string | null; ms: number };

/** A real HTTP request, timed; one that has not answered well past the bound counts as status 0. */
async function timed(origin: string, path: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(`${origin}${path}`, { ...init, signal: AbortSignal.timeout(requestBoundMs * 3) });
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
    return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started };
  } catch {
    return { status: 0, code: undefined, retryAfter: null, ms: performance.now() - started };
  }
}

/** The WebSocket upgrade's answer: 101, or the HTTP status it was refused with. */
function upgradeStatus(origin: string, cookie: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie }, handshakeTimeout: requestBoundMs * 3 });
    const done = (status: number) => {
      ws.terminate();
      resolve({ status, ms: performance.now() - started });
    };
    ws.once('open', () => done(101));
    ws.once('unexpected-response', (request, response) => {
      request.destroy();
      done(response.statusCode ?? 0);
    });
    ws.once('error', () => done(0));
  });
}

/** A signed-in browser's requests, each of which reads or writes the database. */
function signedInRequests(origin: string, cookie: string, csrfToken: string) {
  const headers = { cookie, origin };
  return [
    timed(origin, '/api/snips', { headers }),
    timed(origin, '/api/session', { headers }),
    timed(origin, '/api/notifications', { headers }),
    timed(origin, '/api/jobs', { headers }),
    timed(origin, '/api/snips', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', [csrfHeader]: csrfToken },
      body: JSON.stringify({ title: 'During the outage', body: 'x', language: 'plaintext' }),
    }),
  ];
}

function expectFastUnavailable(answers: Timed[]) {
  for (const answer of answers) {
    expect(answer).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(answer.retryAfter).toMatch(/^\d+$/);
    expect(answer.ms).toBeLessThan(requestBoundMs);
  }
}

async function csrfTokenOf(origin: string, cookie: string) {
  const response = await fetch(`${origin}/api/session`, { headers: { cookie } });
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

// The proxy stands between the app and a real PostgreSQL server; with the embedded database there is no network to
// break, so these run in the PostgreSQL mode only (the PGlite bound is proved further down, in both modes).
describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL behind a proxy that fails', () => {
  async function startBehindProxy(): Promise<{ t: TestApp; proxy: TcpProxy; origin: string; cookie: string; csrfToken: string }> {
    const database = await freshDatabase();
    const databaseUrl = new URL(database.databaseUrl!);
    const proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
    cleanups.push(async () => {
      await proxy.close();
      await database.drop();
    });
    const t = await startTestApp({ environment: { DATABASE_URL: proxy.urlThrough(database.databaseUrl!) } });
    cleanups.push(() => t.close());
    const origin = await t.listen();
    const cookie = await signInOverHttp(origin, 'owner@example.com');
    return { t, proxy, origin, cookie, csrfToken: await csrfTokenOf(origin, cookie) };
  }

  it('answers 503 within 2 s while the database is stalled, health within 1 s, and serves the next request once it is back', { timeout: 60_000 }, async () => {
    const { proxy, origin, cookie, csrfToken } = await startBehindProxy();
    proxy.stall();

    // More requests than the pool has connections: some wait for a connection rather than on one. Then a steady
    // stream, as users keep coming: traffic must not keep a silent connection looking alive.
    const rounds = Math.ceil((postgresPoolSize * 1.5) / 5);
    const burst = Promise.all(Array.from({ length: rounds }, () => signedInRequests(origin, cookie, csrfToken)).flat());
    const steady: Promise<Timed>[] = [];
    for (let i = 0; i < 30; i++) {
      steady.push(timed(origin, '/api/snips', { headers: { cookie } }));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expectFastUnavailable([...(await burst), ...(await Promise.all(steady))]);

    const health = await timed(origin, '/api/health');
    expect(health).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(health.ms).toBeLessThan(healthBoundMs);

    const upgrade = await upgradeStatus(origin, cookie);
    expect(upgrade.status).toBe(503);
    expect(upgrade.ms).toBeLessThan(requestBoundMs);

    await proxy.restore();
    const list = await timed(origin, '/api/snips', { headers: { cookie } });
    expect(list).toMatchObject({ status: 200 });
    expect((await timed(origin, '/api/health')).status).toBe(200);
    expect((await upgradeStatus(origin, cookie)).status).toBe(101);
  });

  it('answers 503 within 2 s while the database refuses connections, and serves the next request once it is back', { timeout: 60_000 }, async () => {
    const { proxy, origin, cookie, csrfToken } = await startBehindProxy();
    await proxy.cut();
    // Twice: the second round meets connections that already failed once, as a steady stream of users would.
    for (let round = 0; round < 2; round++) expectFastUnavailable(await Promise.all(signedInRequests(origin, cookie, csrfToken)));
    expect((await timed(origin, '/api/health')).status).toBe(503);

    await proxy.restore();
    const list = await timed(origin, '/api/snips', { headers: { cookie } });
    expect(list).toMatchObject({ status: 200 });
    expect(list.ms).toBeLessThan(requestBoundMs);
  });

  // Another process of the deployment needs Redis as well (spawnInstanceOf); CI runs this mode with both.
  it.skipIf(!process.env.REDIS_URL)('ends on SIGTERM within 10 s while requests are stuck on a stalled database', { timeout: 60_000 }, async () => {
    const { t, proxy } = await startBehindProxy();
    const instance = await spawnInstanceOf(t);
    cleanups.push(() => instance.crash());
    const anonymous = { headers: { origin: instance.origin } };
    expect((await timed(instance.origin, '/api/health')).status).toBe(200);

    proxy.stall();
    const connectionsBefore = proxy.connectionCount();
    // Requests in flight on the stalled database when the signal arrives: the signal goes once they have made the app
    // open more connections to it.
    const inFlight = Array.from({ length: postgresPoolSize }, () => timed(instance.origin, '/api/health', anonymous));
    await expect.poll(() => proxy.connectionCount(), { timeout: 10_000 }).toBeGreaterThan(connectionsBefore);
    const signalled = performance.now();
    const ended = await Promise.race([
      instance.stop().then(() => performance.now() - signalled),
      new Promise<number>((resolve) => setTimeout(resolve, shutdownBoundMs * 2, Infinity)),
    ]);
    expect(ended).toBeLessThan(shutdownBoundMs);
    await Promise.all(inFlight);
  });
});

describe('the database\'s connections all held by open transactions', () => {
  it('answers 503 within 2 s to a request that would wait for one, and serves the next request once they end', { timeout: 60_000 }, async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    const client = await t.signIn('owner@example.com');
    // PGlite has one connection; the PostgreSQL pool has postgresPoolSize.
    const held = t.app.dbMode === 'embedded' ? 1 : postgresPoolSize;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let opened = 0;
    const transactions = Array.from({ length: held }, () =>
      t.app.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        opened++;
        await released;
      }),
    );
    try {
      await expect.poll(() => opened, { timeout: 10_000 }).toBe(held);
      const started = performance.now();
      const answer = await Promise.race([
        client.request({ url: '/api/snips' }),
        new Promise<undefined>((resolve) => setTimeout(resolve, requestBoundMs * 3)),
      ]);
      const ms = performance.now() - started;
      expect(answer?.statusCode).toBe(503);
      expect(answer?.json().error.code).toBe('service_unavailable');
      expect(answer?.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(requestBoundMs);
    } finally {
      release();
      await Promise.all(transactions);
    }
    expect((await client.request({ url: '/api/snips' })).statusCode).toBe(200);
  });
});
