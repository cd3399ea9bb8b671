import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { startTestApp, type TestApp } from './test-app.ts';
import { openSocket } from './test-socket.ts';

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
