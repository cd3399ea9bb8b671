import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCodes, sessionEndReasons, type ServerMessage } from '#shared/realtime/messages.ts';
import { sessionCookie } from './plugins/session.ts';
import { signInOverHttp, spawnInstanceOf, startTestApp, type TestApp, type TestClient } from './test-app.ts';
import { startTestRedisServer, type TestRedisServer } from './test-redis-server.ts';
import { openSocket, type TestSocket } from './test-socket.ts';

// A private redis-server that the tests kill and start again; the app's database is whatever the run uses (PGlite or
// PostgreSQL). The sweep runs every second, so "within the sweep interval" is short enough to wait for.
const quickSweep = { REALTIME_SWEEP_SECONDS: '1' };

const snipState = (stream: string, match: (state: { version: number; comments: number }) => boolean) => (message: ServerMessage) =>
  message.stream === stream && (message.type === 'snapshot' || message.type === 'update') && message.state.kind === 'snip' && match(message.state);

async function createSnip(client: TestClient, title = 'Outage') {
  const response = await client.request({ method: 'POST', url: '/api/snips', payload: { title, body: 'x', language: 'go' } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; version: number };
}

/** How long a request took, in milliseconds, with its status. */
async function timed(request: () => Promise<{ statusCode: number }>) {
  const started = performance.now();
  const { statusCode } = await request();
  return { statusCode, ms: performance.now() - started };
}

/** What the server sees: the channels subscribed under the prefix, and how many other clients are connected. */
async function serverView(url: string, prefix: string): Promise<{ channels: string[]; clients: number }> {
  const admin = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  try {
    await admin.connect();
    const channels = ((await admin.pubsub('CHANNELS', `${prefix}*`)) as string[]).map((channel) => channel.slice(prefix.length));
    const clients = String(await admin.client('LIST')).trim().split('\n').length - 1;
    return { channels, clients };
  } catch {
    return { channels: [], clients: 0 };
  } finally {
    admin.disconnect();
  }
}

describe('one instance while its Redis is down', () => {
  let redis: TestRedisServer;
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    redis = await startTestRedisServer();
    t = await startTestApp({ environment: { REDIS_URL: redis.url, ...quickSweep } });
    origin = await t.listen();
  });
  afterAll(async () => {
    await t?.close();
    await redis?.kill();
  });

  it('answers writes as fast as with Redis up, and still delivers them to its own sockets', async () => {
    const member = await t.signIn('member@example.com');
    const watched = await createSnip(member);
    const stream = `snip:${watched.id}`;
    const watcher = await openSocket(origin, await t.signIn('owner@example.com'));
    watcher.send({ v: 1, type: 'subscribe', stream });
    await watcher.next(snipState(stream, ({ version }) => version === 1));
    const writes = async (version: number) => {
      const leaving = await t.signIn('pm@example.com');
      return [
        await timed(() => member.request({ method: 'POST', url: '/api/snips', payload: { title: 'Down', body: 'x', language: 'go' } })),
        await timed(() => member.request({ method: 'PATCH', url: `/api/snips/${watched.id}`, payload: { title: `Edited ${version}`, version } })),
        await timed(() => member.request({ method: 'POST', url: `/api/snips/${watched.id}/comments`, payload: { body: `Comment ${version}` } })),
        await timed(() => leaving.request({ method: 'DELETE', url: '/api/session' })),
      ];
    };
    // The same writes with Redis up, measured in this run, are the yardstick: the machine may be busy.
    const up = await writes(1);
    await redis.kill();
    try {
      const down = await writes(2);
      expect(down.map(({ statusCode }) => statusCode)).toEqual([201, 200, 201, 204]);
      // Today's slow ones took 0.4 to 2.6 s each, waiting on the dead Redis; a write itself takes a few milliseconds.
      down.forEach(({ ms }, i) => expect(ms).toBeLessThan(2 * up[i]!.ms + 250));
      await watcher.next(snipState(stream, ({ version, comments }) => version === 3 && comments === 2));
    } finally {
      watcher.ws.close();
      await redis.start();
    }
  });

  it('sends a new subscription its snapshot', async () => {
    const snip = await createSnip(await t.signIn('member@example.com'));
    const stream = `snip:${snip.id}`;
    const socket = await openSocket(origin, await t.signIn('owner@example.com'));
    await redis.kill();
    try {
      socket.send({ v: 1, type: 'subscribe', stream });
      await socket.next(snipState(stream, ({ version }) => version === 1));
      await socket.next((message) => message.stream === stream && message.type === 'presence');
    } finally {
      socket.ws.close();
      await redis.start();
    }
  });

  it('keeps sweeping: a session that times out during the outage has its sockets closed by the sweep', async () => {
    const snip = await createSnip(await t.signIn('member@example.com'));
    const stream = `snip:${snip.id}`;
    const socket = await openSocket(origin, await t.signIn('viewer@example.com'));
    // Watching a snip makes the sweep's presence heartbeat publish: the part that used to fail and stop the sweep.
    socket.send({ v: 1, type: 'subscribe', stream });
    await socket.next((message) => message.stream === stream && message.type === 'presence');
    await redis.kill();
    try {
      t.clock.advance(t.config.sessionIdleSeconds + 1);
      expect(await socket.closed).toEqual({ code: closeCodes.sessionEnded, reason: sessionEndReasons.expired });
    } finally {
      await redis.start();
    }
  });

  it('keeps its sockets when Redis comes back, subscribes again, and takes new subscriptions throughout', async () => {
    const member = await t.signIn('member@example.com');
    const snips = [await createSnip(member), await createSnip(member)];
    const streams = snips.map((snip) => `snip:${snip.id}`);
    const watch = async (email: string, stream: string) => {
      const socket = await openSocket(origin, await t.signIn(email));
      socket.send({ v: 1, type: 'subscribe', stream });
      await socket.next(snipState(stream, () => true));
      await socket.next((message) => message.stream === stream && message.type === 'presence');
      return socket;
    };
    const sockets = [await watch('owner@example.com', streams[0]!), await watch('viewer@example.com', streams[1]!)];
    await redis.kill();
    // Sweeps during the outage: their presence heartbeats fail, their pings must still go out.
    await sweeps(sockets[0]!, 2);
    sockets.push(await watch('pm@example.com', streams[0]!));
    await redis.start();
    await expect.poll(async () => (await serverView(redis.url, t.config.redisPrefix)).channels, { timeout: 10_000 }).toEqual(expect.arrayContaining(streams));
    await member.request({ method: 'PATCH', url: `/api/snips/${snips[0]!.id}`, payload: { title: 'Up again', version: 1 } });
    await Promise.all([sockets[0]!, sockets[2]!].map((socket) => socket.next(snipState(streams[0]!, ({ version }) => version === 2))));
    // Several sweeps after the return: a pass that found a pong missing would have cut the socket (1006).
    await Promise.all(sockets.map((socket) => sweeps(socket, 3)));
    for (const socket of sockets) socket.ws.close();
  });
});

/** Resolves after `count` more pings of the gateway's sweep reach the socket; rejects if it closes first. */
function sweeps(socket: TestSocket, count: number) {
  return new Promise<void>((resolve, reject) => {
    let pings = 0;
    const onPing = () => {
      if (++pings < count) return;
      socket.ws.off('ping', onPing);
      resolve();
    };
    socket.ws.on('ping', onPing);
    void socket.closed.then(({ code }) => reject(new Error(`the socket was closed with ${code}`)));
  });
}

// Two instances share one database only on PostgreSQL: PGlite lives inside one process.
describe.skipIf(!process.env.DATABASE_URL)('instances of one deployment while their Redis is down (PostgreSQL)', () => {
  let redis: TestRedisServer;
  let first: TestApp;
  beforeAll(async () => {
    redis = await startTestRedisServer();
    first = await startTestApp({ environment: { REDIS_URL: redis.url, ...quickSweep } });
  });
  afterAll(async () => {
    await first?.close();
    await redis?.kill();
  });

  it('an instance process lives through the outage, closes a signed-out session’s sockets, and hears the others again after', { timeout: 40_000 }, async () => {
    // A real process: an unhandled rejection there ends it, and every socket with it (1006).
    const instance = await spawnInstanceOf(first, quickSweep);
    try {
      const snip = await createSnip(await first.signIn('member@example.com'));
      const stream = `snip:${snip.id}`;
      // Sessions start in the spawned process, on the real clock (see multi-instance.test.ts).
      const ownerCookie = await signInOverHttp(instance.origin, 'owner@example.com');
      const open = async (cookie: string) => {
        const socket = await openSocket(instance.origin, null, { origin: instance.origin, cookie });
        socket.send({ v: 1, type: 'subscribe', stream });
        await socket.next((message) => message.stream === stream && message.type === 'snapshot');
        return socket;
      };
      const [staying, leaving] = [await open(ownerCookie), await open(ownerCookie)];
      const signingOutCookie = await signInOverHttp(instance.origin, 'viewer@example.com');
      const signingOut = await open(signingOutCookie);
      await redis.kill();
      await sweeps(staying, 2);
      leaving.ws.close();
      await leaving.closed;
      const late = await open(ownerCookie);
      await late.next((message) => message.stream === stream && message.type === 'presence');

      // Signed out through the other instance: the announcement cannot travel, the next sweep finds it.
      const viewer = first.client();
      viewer.cookies.set(sessionCookie, signingOutCookie.slice(signingOutCookie.indexOf('=') + 1));
      expect((await viewer.request({ method: 'DELETE', url: '/api/session' })).statusCode).toBe(204);
      const signedOutAt = performance.now();
      expect((await signingOut.closed).code).toBe(closeCodes.sessionEnded);
      expect(performance.now() - signedOutAt).toBeLessThan(2 * 1000 + 1000);

      await redis.start();
      // Both instances back on Redis (a publisher and a subscriber each), the one with sockets subscribed again.
      await expect.poll(() => serverView(redis.url, first.config.redisPrefix), { timeout: 10_000 }).toEqual({ channels: expect.arrayContaining([stream]), clients: 4 });
      // Signed in again: a sign-in on the spawned process pruned the sessions of the test clock's past.
      const author = await first.signIn('member@example.com');
      expect((await author.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Heard across', version: 1 } })).statusCode).toBe(200);
      await Promise.all([staying, late].map((socket) => socket.next(snipState(stream, ({ version }) => version === 2))));
      await Promise.all([staying, late].map((socket) => sweeps(socket, 3)));
      staying.ws.close();
      late.ws.close();
    } finally {
      await instance.crash();
    }
  });
});
