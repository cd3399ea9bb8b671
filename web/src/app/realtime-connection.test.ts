import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { closeCodes, sessionEndReasons, type ServerMessage, type StreamName } from '#shared/realtime/messages.ts';
import { backoffDelay, createRealtimeConnection, type RealtimeConnection, type RealtimeConnectionOptions, type StreamMessage } from './realtime-connection.ts';
import { startScriptedServer, type ScriptedServer } from './realtime-test-server.ts';

// The connection against a real WebSocket server on loopback, scripted to speak the BFF's protocol: what it
// receives is recorded, what it sends is up to each test. `ws`'s client stands in for the browser's WebSocket.

const streamA = 'snip:0b6a2c1e-cccc-4a1a-8a1a-0000000000a1' as StreamName;
const streamB = 'snip:0b6a2c1e-cccc-4a1a-8a1a-0000000000b2' as StreamName;
const snipState = (version: number, deleted = false) => ({ kind: 'snip' as const, version, comments: 0, deleted });
const snapshot = (stream: StreamName, seq: number): ServerMessage => ({ v: 1, type: 'snapshot', stream, seq, state: snipState(seq) });
const update = (stream: StreamName, seq: number): ServerMessage => ({ v: 1, type: 'update', stream, seq, state: snipState(seq) });
const seqs = (messages: StreamMessage[]) => messages.map((message) => ('seq' in message ? message.seq : message.type));

let server: ScriptedServer;
let connection: RealtimeConnection | undefined;
const log = { warn: vi.fn() };

function connectTo(options: Partial<RealtimeConnectionOptions> = {}): RealtimeConnection {
  connection = createRealtimeConnection({
    url: server.url,
    WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket,
    backoff: { baseMs: 20, capMs: 200 },
    lingerMs: 0,
    network: null,
    log,
    ...options,
  });
  connection.connect();
  return connection;
}

/** A listener that records what it hears. */
function recorder() {
  const heard: StreamMessage[] = [];
  return { heard, listener: (message: StreamMessage) => void heard.push(message) };
}


/** Long enough for anything already on its way (a message, a 20 ms retry) to have arrived. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

beforeEach(async () => {
  server = await startScriptedServer();
  log.warn.mockClear();
});

afterEach(async () => {
  connection?.dispose();
  connection = undefined;
  await server.close();
});

describe('backoff', () => {
  it('waits a random time below an exponentially growing ceiling, capped (full jitter)', () => {
    const almostOne = () => 0.9999;
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((failures) => backoffDelay(failures, { baseMs: 500, capMs: 15_000 }, almostOne));
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 14998, 14998, 14998]);
    expect(backoffDelay(3, { baseMs: 500, capMs: 15_000 }, () => 0)).toBe(0);
    expect(backoffDelay(1, { baseMs: 500, capMs: 15_000 }, () => 0.5)).toBe(500);
  });
});

describe('reconnecting', () => {
  it('reconnects after an abnormal close, after the backoff, and subscribes every followed stream again', async () => {
    const live = connectTo({ random: () => 0.9999, backoff: { baseMs: 150, capMs: 1_000 } });
    const a = recorder();
    live.subscribe(streamA, a.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]));
    expect(live.getStatus()).toBe('live');
    first.send(snapshot(streamA, 3));
    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([3]));

    // The peer vanishes without a close frame: the client sees 1006.
    let lostAt = Infinity;
    live.subscribeToStatus(() => {
      if (live.getStatus() === 'reconnecting') lostAt = Math.min(lostAt, Date.now());
    });
    first.socket.terminate();
    const second = await server.peer(1);
    expect(server.attempts[1]! - lostAt).toBeGreaterThanOrEqual(130);
    await vi.waitFor(() => expect(live.getStatus()).toBe('live'));
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]));

    // The fresh snapshot says nothing new: not delivered again. A newer one made while away is.
    second.send(snapshot(streamA, 3));
    second.send(update(streamA, 4));
    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([3, 4]));
    await settle();
    expect(server.peers).toHaveLength(2);
  });

  it('waits longer after every failure in a row, says offline after three, and tells the owner once per run', async () => {
    const onConnectFailed = vi.fn();
    const live = connectTo({ random: () => 0.9999, backoff: { baseMs: 40, capMs: 1_000 }, onConnectFailed });
    await server.peer(0);
    server.refuse = true;
    server.peers[0]!.socket.close(1001, 'going away');

    await vi.waitFor(() => expect(server.attempts.length).toBeGreaterThanOrEqual(5), { timeout: 5_000 });
    const gaps = server.attempts.slice(1, 5).map((at, index) => at - server.attempts[index]!);
    // After the drop (up to 40 ms), each refused retry waits twice as long: 80, 160, 320 ms (jitter pinned near the ceiling).
    expect(gaps[1]).toBeGreaterThanOrEqual(70);
    expect(gaps[2]).toBeGreaterThanOrEqual(140);
    expect(gaps[3]).toBeGreaterThanOrEqual(290);
    expect(live.getStatus()).toBe('offline');
    expect(onConnectFailed).toHaveBeenCalledTimes(1);

    server.refuse = false;
    await vi.waitFor(() => expect(live.getStatus()).toBe('live'), { timeout: 5_000 });
  });

  it('does not reconnect after 4401: it pauses and reports the ended session, until connect() is called', async () => {
    const onSessionEnded = vi.fn();
    const live = connectTo({ onSessionEnded });
    const a = recorder();
    live.subscribe(streamA, a.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(1));

    first.socket.close(closeCodes.sessionEnded, sessionEndReasons.expired);
    await vi.waitFor(() => expect(onSessionEnded).toHaveBeenCalledTimes(1));
    expect(onSessionEnded).toHaveBeenCalledWith(sessionEndReasons.expired);
    expect(live.getStatus()).toBe('paused');
    // Retries would come every 20-200 ms: none does.
    await settle();
    expect(server.peers).toHaveLength(1);

    live.connect();
    const second = await server.peer(1);
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]));
  });

  it.each([
    ['malformed', closeCodes.malformed],
    ['flooding', closeCodes.flooding],
  ])('logs a close for %s and reconnects with backoff', async (_name, code) => {
    const live = connectTo();
    (await server.peer(0)).socket.close(code, 'refused');
    await server.peer(1);
    await vi.waitFor(() => expect(live.getStatus()).toBe('live'));
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining(String(code)));
  });

  it('stays closed after disconnect, whatever the server does', async () => {
    const live = connectTo();
    await server.peer(0);
    await vi.waitFor(() => expect(live.getStatus()).toBe('live'));
    live.disconnect('signed-out');
    expect(live.getStatus()).toBe('idle');
    await settle();
    expect(server.peers).toHaveLength(1);
    expect(server.peers[0]!.socket.readyState).toBe(NodeWebSocket.CLOSED);
  });
});

describe('ordering', () => {
  it('keeps the highest seq per stream and drops anything not newer, and what is not the protocol', async () => {
    const live = connectTo();
    const a = recorder();
    const b = recorder();
    live.subscribe(streamA, a.listener);
    live.subscribe(streamB, b.listener);
    const server0 = await server.peer(0);
    await vi.waitFor(() => expect(server0.received).toHaveLength(2));

    server0.send(snapshot(streamA, 5));
    server0.send(update(streamA, 4));
    server0.send(update(streamA, 5));
    server0.send('not json');
    server0.send({ ...update(streamA, 9), v: 2 } as unknown as ServerMessage);
    server0.send({ v: 1, type: 'shout', stream: streamA } as unknown as ServerMessage);
    server0.send(update(streamB, 1));
    server0.send(update(streamA, 7));
    server0.send(update(streamA, 6));
    server0.send(update(streamA, 8));

    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([5, 7, 8]));
    expect(seqs(b.heard)).toEqual([1]);
    // Dropped, not fatal: the socket is still the first one.
    expect(log.warn).toHaveBeenCalledTimes(3);
    expect(live.getStatus()).toBe('live');
    expect(server.peers).toHaveLength(1);
  });

  it('delivers denied and ended, and does not ask again for a refused stream on reconnect', async () => {
    const live = connectTo();
    const a = recorder();
    const b = recorder();
    live.subscribe(streamA, a.listener);
    live.subscribe(streamB, b.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(2));
    first.send({ v: 1, type: 'denied', stream: streamA });
    first.send(snapshot(streamB, 2));
    first.send({ v: 1, type: 'ended', stream: streamB });
    await vi.waitFor(() => expect([seqs(a.heard), seqs(b.heard)]).toEqual([['denied'], [2, 'ended']]));

    first.socket.terminate();
    const second = await server.peer(1);
    await settle();
    expect(second.received).toEqual([]);
  });

  it('passes other news about a stream (presence) along without taking it for the state or for a refusal', async () => {
    const live = connectTo();
    const a = recorder();
    live.subscribe(streamA, a.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(1));
    first.send(snapshot(streamA, 4));
    first.send({ v: 1, type: 'presence', stream: streamA, viewers: [{ id: '0b6a2c1e-1111-4a1a-8a1a-000000000001', name: 'Alice' }] });
    first.send(update(streamA, 4));
    first.send(update(streamA, 5));
    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([4, 'presence', 5]));

    // Still followed: subscribed again after a reconnect, and a late joiner gets the state, not the presence.
    first.socket.terminate();
    const second = await server.peer(1);
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]));
    const late = recorder();
    live.subscribe(streamA, late.listener);
    await vi.waitFor(() => expect(seqs(late.heard)).toEqual([5]));
  });

  it('hands who is viewing to a listener that joins later, as long as the socket that said it is open', async () => {
    const live = connectTo();
    const a = recorder();
    live.subscribe(streamA, a.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(1));
    first.send(snapshot(streamA, 4));
    first.send({ v: 1, type: 'presence', stream: streamA, viewers: [{ id: '0b6a2c1e-1111-4a1a-8a1a-000000000001', name: 'Alice' }] });
    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([4, 'presence']));

    // A page swap on a stream that stays subscribed: the server sends no presence again, so the connection does.
    const late = recorder();
    live.subscribe(streamA, late.listener);
    await vi.waitFor(() => expect(seqs(late.heard)).toEqual([4, 'presence']));
    expect(late.heard[1]).toEqual(a.heard[1]);
    expect(first.received).toHaveLength(1);
  });
});

describe('shared subscriptions', () => {
  it('sends one subscribe for many listeners of a stream and one unsubscribe when the last leaves', async () => {
    const live = connectTo();
    const first = recorder();
    const second = recorder();
    const leaveFirst = live.subscribe(streamA, first.listener);
    const leaveSecond = live.subscribe(streamA, second.listener);
    const server0 = await server.peer(0);
    server0.send(snapshot(streamA, 2));
    await vi.waitFor(() => expect(seqs(second.heard)).toEqual([2]));
    expect(seqs(first.heard)).toEqual([2]);

    // A listener joining later starts from the current state, without another subscribe.
    const late = recorder();
    const leaveLate = live.subscribe(streamA, late.listener);
    await vi.waitFor(() => expect(seqs(late.heard)).toEqual([2]));

    leaveFirst();
    leaveFirst();
    leaveSecond();
    await settle();
    expect(server0.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]);
    leaveLate();
    await vi.waitFor(() => expect(server0.received).toHaveLength(2));
    await settle();
    expect(server0.received).toEqual([
      { v: 1, type: 'subscribe', stream: streamA },
      { v: 1, type: 'unsubscribe', stream: streamA },
    ]);
  });

  it('does not churn the server subscription when the last listener is replaced at once (a page swap)', async () => {
    const live = connectTo({ lingerMs: 50 });
    const leave = live.subscribe(streamA, recorder().listener);
    const server0 = await server.peer(0);
    await vi.waitFor(() => expect(server0.received).toHaveLength(1));
    leave();
    const leaveNext = live.subscribe(streamA, recorder().listener);
    await settle();
    expect(server0.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]);
    leaveNext();
    await vi.waitFor(() => expect(server0.received.map((message) => message.type)).toEqual(['subscribe', 'unsubscribe']));
  });

  it('hands the current state to a listener that joins while the socket is down, and not again after the reconnect', async () => {
    const live = connectTo();
    const a = recorder();
    live.subscribe(streamA, a.listener);
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(1));
    first.send(snapshot(streamA, 3));
    await vi.waitFor(() => expect(seqs(a.heard)).toEqual([3]));

    server.refuse = true;
    first.socket.terminate();
    await vi.waitFor(() => expect(live.getStatus()).not.toBe('live'));
    const late = recorder();
    live.subscribe(streamA, late.listener);
    await vi.waitFor(() => expect(seqs(late.heard)).toEqual([3]));

    server.refuse = false;
    const second = await server.peer(1);
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream: streamA }]));
    second.send(snapshot(streamA, 3));
    second.send(update(streamA, 4));
    await vi.waitFor(() => expect(seqs(late.heard)).toEqual([3, 4]));
    expect(seqs(a.heard)).toEqual([3, 4]);
  });

  it('subscribes streams followed before the socket opened, once it opens', async () => {
    server.refuse = true;
    const live = connectTo({ backoff: { baseMs: 30, capMs: 30 } });
    live.subscribe(streamA, recorder().listener);
    live.subscribe(streamB, recorder().listener);
    await vi.waitFor(() => expect(server.attempts.length).toBeGreaterThanOrEqual(1));
    server.refuse = false;
    const server0 = await server.peer(0);
    await vi.waitFor(() => expect(server0.received.map((message) => message.stream).sort()).toEqual([streamA, streamB]));
  });

  it('answers a name that is not a stream itself, instead of sending what the server would close the socket for', async () => {
    const live = connectTo();
    const bad = recorder();
    live.subscribe('snip:not-a-uuid' as StreamName, bad.listener);
    const server0 = await server.peer(0);
    await vi.waitFor(() => expect(seqs(bad.heard)).toEqual(['denied']));
    await settle();
    expect(server0.received).toEqual([]);
    expect(live.getStatus()).toBe('live');
  });
});
