import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { closeCodes, sessionEndReasons, type ServerMessage } from '#shared/realtime/messages.ts';
import { sessionCookie } from './session.ts';
import { startTestApp, type TestApp, type TestClient } from '../test-app.ts';
import { openSocket, type TestSocket as Socket } from '../test-socket.ts';

// Real WebSocket clients against the BFF listening on loopback.
let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = await t.listen();
});
afterAll(() => t.close());

const connect = (client: TestClient | null, headers: Record<string, string> = { origin }) => openSocket(origin, client, headers);
const subscribe = (socket: Socket, stream: string) => socket.send({ v: 1, type: 'subscribe', stream });
const about = (stream: string, type?: ServerMessage['type']) => (message: ServerMessage) =>
  message.stream === stream && (type === undefined || message.type === type);

async function createSnip(client: TestClient, overrides: Record<string, unknown> = {}) {
  const response = await client.request({ method: 'POST', url: '/api/snips', payload: { title: 'Live', body: 'x', language: 'go', ...overrides } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; version: number };
}

describe('the /ws upgrade', () => {
  it('answers 401 before upgrading when there is no session', async () => {
    await expect(connect(null)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an Origin that is not the app’s own, and a missing one', async () => {
    const member = await t.signIn('member@example.com');
    await expect(connect(member, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(connect(member, {})).rejects.toMatchObject({ status: 403 });
    const socket = await connect(member);
    socket.ws.close();
  });

  it('refuses the app’s own host and port under another scheme', async () => {
    const member = await t.signIn('member@example.com');
    await expect(connect(member, { origin: origin.replace('http:', 'https:') })).rejects.toMatchObject({ status: 403 });
  });
});

describe('streams', () => {
  it('sends the snapshot first, then updates as the snip changes', async () => {
    const member = await t.signIn('member@example.com');
    const snip = await createSnip(member);
    const socket = await connect(await t.signIn('owner@example.com'));
    const stream = `snip:${snip.id}`;
    subscribe(socket, stream);
    expect(await socket.next(about(stream, 'snapshot'))).toMatchObject({ v: 1, seq: 1, state: { kind: 'snip', version: 1, deleted: false } });
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Changed', version: 1 } });
    expect(await socket.next(about(stream, 'update'))).toMatchObject({ seq: 2, state: { version: 2 } });
    await member.request({ method: 'DELETE', url: `/api/snips/${snip.id}` });
    expect(await socket.next((m) => about(stream, 'update')(m) && m.type === 'update' && m.state.kind === 'snip' && m.state.deleted)).toMatchObject({ seq: 3 });
    socket.ws.close();
  });

  it('answers a stream the actor may not see exactly like one that does not exist', async () => {
    const outsider = await connect(await t.signIn('outsider@example.com'));
    const acmeSnip = await createSnip(await t.signIn('member@example.com'));
    const hidden = `snip:${acmeSnip.id}`;
    const missing = 'snip:00000000-0000-4000-8000-0000000fffff';
    subscribe(outsider, hidden);
    subscribe(outsider, missing);
    const answers = [await outsider.next(about(hidden)), await outsider.next(about(missing))];
    expect(answers.map(({ type, v }) => ({ type, v }))).toEqual([{ type: 'denied', v: 1 }, { type: 'denied', v: 1 }]);
    outsider.ws.close();
  });

  it('ends a subscription when the snip is made private by its author', async () => {
    const member = await t.signIn('member@example.com');
    const snip = await createSnip(member);
    const socket = await connect(await t.signIn('owner@example.com'));
    const stream = `snip:${snip.id}`;
    subscribe(socket, stream);
    await socket.next(about(stream, 'snapshot'));
    await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { visibility: 'private', version: 1 } });
    expect(await socket.next(about(stream, 'ended'))).toMatchObject({ type: 'ended' });
    expect(socket.messages.filter(about(stream, 'update'))).toEqual([]);
    socket.ws.close();
  });
});

describe('publishing after the commit', () => {
  it('publishes nothing for a save that fails and is rolled back; the next save is heard', async () => {
    const member = await t.signIn('member@example.com');
    const snip = await createSnip(member);
    const stream = `snip:${snip.id}`;
    const workspace = `workspace:${(await member.request({ url: '/api/session' })).json().user.workspace.id}`;
    // Every publication the channel layer carries on the snip's and its workspace's streams, whatever a socket makes of it.
    const published: string[] = [];
    const stops = await Promise.all([stream, workspace].map((name) => t.app.channels.subscribe(name, () => published.push(name))));
    const socket = await connect(await t.signIn('owner@example.com'));
    try {
      expect((await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Saved', version: 1 } })).statusCode).toBe(200);
      subscribe(socket, stream);
      expect(await socket.next(about(stream, 'snapshot'))).toMatchObject({ seq: 2, state: { version: 2 } });
      // The create's and the first save's publications went out before this snapshot was read: all heard by now.
      published.length = 0;

      const stale = await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Stale', version: 1 } });
      expect(stale.statusCode).toBe(409);
      expect((await member.request({ method: 'PATCH', url: `/api/snips/${snip.id}`, payload: { title: 'Again', version: 2 } })).statusCode).toBe(200);
      await socket.next(about(stream, 'update'));
      expect(socket.messages.filter(about(stream, 'update'))).toEqual([expect.objectContaining({ seq: 3, state: expect.objectContaining({ version: 3 }) })]);
      expect(published.sort()).toEqual([stream, workspace].sort());
    } finally {
      socket.ws.close();
      for (const stop of stops) await stop();
    }
  });
});

describe('workspace streams', () => {
  it('tell the current workspace’s members that its snips changed, and nobody else', async () => {
    const ownerClient = await t.signIn('owner@example.com');
    const session = (await ownerClient.request({ url: '/api/session' })).json();
    const acme = `workspace:${session.user.workspace.id}`;
    const owner = await connect(ownerClient);
    subscribe(owner, acme);
    const first = await owner.next(about(acme, 'snapshot'));
    const created = await createSnip(await t.signIn('member@example.com'));
    const update = await owner.next(about(acme, 'update'));
    expect(update).toMatchObject({ state: { kind: 'workspace' } });
    expect(update.type === 'update' && first.type === 'snapshot' && update.seq > first.seq).toBe(true);
    await (await t.signIn('member@example.com')).request({ method: 'DELETE', url: `/api/snips/${created.id}` });
    await owner.next((m) => about(acme, 'update')(m) && m.type === 'update' && update.type === 'update' && m.seq > update.seq);
    const outsider = await connect(await t.signIn('outsider@example.com'));
    subscribe(outsider, acme);
    expect(await outsider.next(about(acme))).toMatchObject({ type: 'denied' });
    owner.ws.close();
    outsider.ws.close();
  });
});

describe('a slow client', () => {
  it('gets the latest state, not a queue of every update', async () => {
    const snip = await createSnip(await t.signIn('member@example.com'));
    const stream = `snip:${snip.id}` as const;
    const socket = await connect(await t.signIn('owner@example.com'));
    subscribe(socket, stream);
    await socket.next(about(stream, 'snapshot'));
    const raw = (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const updates = 100_000;
    for (let seq = 2; seq <= updates; seq++) {
      await t.app.realtime.publish(stream, { seq, state: { kind: 'snip', version: seq, comments: 0, deleted: false } });
    }
    raw.resume();
    await socket.next((m) => about(stream, 'update')(m) && m.type === 'update' && m.seq === updates);
    const delivered = socket.messages.filter(about(stream, 'update'));
    // Whatever the socket buffers could hold went out; the rest collapsed into the newest state.
    expect(delivered.length).toBeLessThan(updates / 2);
    const seqs = delivered.map((m) => (m.type === 'update' ? m.seq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    socket.ws.close();
  });
});

describe('protocol limits', () => {
  it.each([
    ['not JSON', 'hello'],
    ['an unknown message', { v: 1, type: 'shout', stream: 'snip:x' }],
    ['a wrong version', { v: 2, type: 'subscribe', stream: 'snip:00000000-0000-4000-8000-000000000001' }],
    ['a bad stream name', { v: 1, type: 'subscribe', stream: 'sessions:all' }],
  ])('closes the socket on %s with 4400', async (_name, frame) => {
    const socket = await connect(await t.signIn('member@example.com'));
    socket.send(frame);
    expect((await socket.closed).code).toBe(closeCodes.malformed);
  });

  it('closes on a frame over 64 KB with 1009', async () => {
    const socket = await connect(await t.signIn('member@example.com'));
    socket.send('x'.repeat(64 * 1024 + 1));
    expect((await socket.closed).code).toBe(closeCodes.tooLarge);
  });

  it('closes a flooding client with 4429', async () => {
    const socket = await connect(await t.signIn('member@example.com'));
    for (let i = 0; i < 200; i++) socket.send({ v: 1, type: 'unsubscribe', stream: 'snip:00000000-0000-4000-8000-000000000001' });
    expect((await socket.closed).code).toBe(closeCodes.flooding);
  });

  it('takes a burst of 40 messages, refilled at 10 a second, and closes on the next one with 4429', async () => {
    const socket = await connect(await t.signIn('member@example.com'));
    const missing = (n: number) => `snip:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const unsubscribe = () => socket.send({ v: 1, type: 'unsubscribe', stream: missing(0) });
    // `size` messages: some that need no answer, then a subscribe whose `denied` shows the socket took them all.
    const burst = async (size: number, round: number) => {
      for (let i = 1; i < size; i++) unsubscribe();
      subscribe(socket, missing(round));
      const closedEarly = socket.closed.then(({ code }) => Promise.reject(new Error(`closed with ${code} within ${size} messages`)));
      await Promise.race([socket.next(about(missing(round), 'denied')), closedEarly]);
    };
    // The bucket refills by the wall clock: frozen, it moves only when the test moves it.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await burst(40, 1);
      vi.setSystemTime(Date.now() + 1000);
      await burst(10, 2);
      unsubscribe();
      expect(await socket.closed).toEqual({ code: closeCodes.flooding, reason: 'too many messages' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a peer that stops answering pings', async () => {
    const socket = await connect(await t.signIn('member@example.com'));
    // Stop reading: the client's automatic pong never goes out.
    (socket.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    await t.app.realtime.sweep();
    await t.app.realtime.sweep();
    (socket.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await socket.closed).code).toBe(1006);
  });
});

describe('per-user bounds', () => {
  /** The upgrade's refusal, as the browser's network panel would show it: status, Retry-After and body. */
  const refusal = (client: TestClient) =>
    new Promise<{ status: number; retryAfter: string | undefined; body: unknown }>((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie: `${sessionCookie}=${client.cookies.get(sessionCookie)}` } });
      ws.once('open', () => reject(new Error('the upgrade was accepted')));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'], body: JSON.parse(body) }));
      });
    });

  it('accepts 10 sockets per session and 30 per user, and answers the next upgrade 429', async () => {
    // Someone no other test here connects as, so every socket counted is this test's.
    const sessions: TestClient[] = [];
    for (let i = 0; i < 4; i++) sessions.push(await t.signIn('pm@example.com'));
    const sockets = [];
    for (let i = 0; i < 10; i++) sockets.push(await connect(sessions[0]!));
    const perSession = await refusal(sessions[0]!);
    expect(perSession).toMatchObject({ status: 429, body: { error: { code: 'rate_limited', details: { limit: 'sockets_per_session', max: 10 } } } });
    expect(Number(perSession.retryAfter)).toBeGreaterThan(0);
    for (const session of sessions.slice(1, 3)) for (let i = 0; i < 10; i++) sockets.push(await connect(session));
    expect(await refusal(sessions[3]!)).toMatchObject({ status: 429, body: { error: { code: 'rate_limited', details: { limit: 'sockets_per_user', max: 30 } } } });
    // Someone else is not counted against this user.
    (await connect(await t.signIn('viewer@example.com'))).ws.close();
    // A socket that closes frees its place.
    sockets.shift()!.ws.close();
    await expect.poll(() => connect(sessions[3]!).then((socket) => sockets.push(socket), () => false)).toBeTruthy();
    for (const socket of sockets) socket.ws.close();
  });

  it('shares one message budget among all of a user’s sockets', async () => {
    const member = await t.signIn('member@example.com');
    const sockets = [];
    for (let i = 0; i < 10; i++) sockets.push(await connect(member));
    const missing = (n: number) => `snip:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    // 30 messages a socket, each within its own budget of 40; 300 in all, past the user's 200.
    for (const [n, socket] of sockets.entries()) {
      for (let i = 1; i < 30; i++) socket.send({ v: 1, type: 'unsubscribe', stream: missing(0) });
      subscribe(socket, missing(n + 1));
    }
    const outcomes = await Promise.all(
      sockets.map((socket, n) => Promise.race([socket.next(about(missing(n + 1), 'denied')).then(() => 'answered'), socket.closed.then(({ code }) => code)])),
    );
    expect(outcomes).toContain(closeCodes.flooding);
    for (const socket of sockets) socket.ws.close();
  });
});

describe('session end', () => {
  it('closes every socket of a session with 4401 at sign-out, at once', async () => {
    const member = await t.signIn('member@example.com');
    const [tabA, tabB] = [await connect(member), await connect(member)];
    const otherSession = await connect(await t.signIn('member@example.com'));
    await member.request({ method: 'DELETE', url: '/api/session' });
    expect(await tabA.closed).toEqual({ code: closeCodes.sessionEnded, reason: sessionEndReasons.signedOut });
    expect(await tabB.closed).toEqual({ code: closeCodes.sessionEnded, reason: sessionEndReasons.signedOut });
    expect(otherSession.ws.readyState).toBe(WebSocket.OPEN);
    otherSession.ws.close();
  });

  it('closes with 4401 when the session times out, found by the periodic sweep without any message', async () => {
    const member = await t.signIn('member@example.com');
    const socket = await connect(member);
    t.clock.advance(t.config.sessionIdleSeconds + 1);
    await t.app.realtime.sweep();
    expect(await socket.closed).toEqual({ code: closeCodes.sessionEnded, reason: sessionEndReasons.expired });
  });

  it('closes with 4401 when a member removed from their only workspace', async () => {
    const viewerClient = await t.signIn('viewer@example.com');
    const socket = await connect(viewerClient);
    const owner = await t.signIn('owner@example.com');
    const acme = (await owner.request({ url: '/api/session' })).json().user.workspace.id;
    const viewerId = (await viewerClient.request({ url: '/api/session' })).json().user.id;
    await owner.request({ method: 'DELETE', url: `/api/workspaces/${acme}/members/${viewerId}` });
    expect((await socket.closed).code).toBe(closeCodes.sessionEnded);
    await owner.request({ method: 'POST', url: `/api/workspaces/${acme}/members`, payload: { email: 'viewer@example.com', role: 'viewer' } });
  });
});

describe('the sweep timer', () => {
  it('runs by itself', async () => {
    const quick = await startTestApp({ environment: { REALTIME_SWEEP_SECONDS: '1' } });
    try {
      const address = await quick.app.listen({ port: 0, host: '127.0.0.1' });
      const member = await quick.signIn('member@example.com');
      const ws = new WebSocket(`${address.replace('http', 'ws')}/ws`, { headers: { origin: address, cookie: `${sessionCookie}=${member.cookies.get(sessionCookie)}` } });
      await new Promise((resolve) => ws.once('open', resolve));
      quick.clock.advance(quick.config.sessionIdleSeconds + 1);
      const code = await new Promise((resolve) => ws.once('close', resolve));
      expect(code).toBe(closeCodes.sessionEnded);
    } finally {
      await quick.close();
    }
  });
});

// The leak would be a Redis channel left subscribed, which only Redis can show: PUBSUB NUMSUB counts them.
describe.skipIf(!process.env.REDIS_URL)('subscription bookkeeping (Redis)', () => {
  it('leaves no channel subscription behind when a subscribe is undone at once', async () => {
    const redis = new Redis(process.env.REDIS_URL!);
    const socket = await connect(await t.signIn('owner@example.com'));
    const streams = await Promise.all([1, 2, 3].map(async () => `snip:${(await createSnip(await t.signIn('member@example.com'))).id}`));
    for (const stream of streams) {
      socket.send({ v: 1, type: 'subscribe', stream });
      socket.send({ v: 1, type: 'unsubscribe', stream });
    }
    const control = `snip:${(await createSnip(await t.signIn('member@example.com'))).id}`;
    subscribe(socket, control);
    await socket.next(about(control, 'snapshot'));
    const counts = await redis.pubsub('NUMSUB', ...streams.map((stream) => t.config.redisPrefix + stream));
    expect(counts.filter((_, i) => i % 2 === 1)).toEqual([0, 0, 0]);
    socket.ws.close();
    await redis.quit();
  });
});

describe('presence', () => {
  const viewersOf = (stream: string, names: string[]) => (message: ServerMessage) =>
    message.stream === stream && message.type === 'presence' && JSON.stringify(message.viewers.map((v) => v.name)) === JSON.stringify(names);

  it('tells everyone viewing a snip who else is viewing it, and when they leave', async () => {
    const snip = await createSnip(await t.signIn('member@example.com'));
    const stream = `snip:${snip.id}`;
    const owner = await connect(await t.signIn('owner@example.com'));
    subscribe(owner, stream);
    await owner.next(viewersOf(stream, ['Olivia Owner']));
    const viewerClient = await t.signIn('viewer@example.com');
    const viewer = await connect(viewerClient);
    subscribe(viewer, stream);
    await viewer.next(viewersOf(stream, ['Olivia Owner', 'Vera Viewer']));
    await owner.next(viewersOf(stream, ['Olivia Owner', 'Vera Viewer']));
    // A second tab of the same person does not count twice, and closing one of two tabs keeps them present.
    const viewerTab = await connect(viewerClient);
    subscribe(viewerTab, stream);
    await viewerTab.next(viewersOf(stream, ['Olivia Owner', 'Vera Viewer']));
    viewerTab.ws.close();
    await viewerTab.closed;
    owner.messages.length = 0;
    viewer.send({ v: 1, type: 'unsubscribe', stream });
    await owner.next(viewersOf(stream, ['Olivia Owner']));
    // Only the unsubscribe changed anything: the closed second tab did not make Vera leave.
    expect(owner.messages.filter((m) => m.type === 'presence')).toHaveLength(1);
    owner.ws.close();
    viewer.ws.close();
  });
});
