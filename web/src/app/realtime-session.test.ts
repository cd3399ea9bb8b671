import type { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { closeCodes, sessionEndReasons, type StreamName } from '#shared/realtime/messages.ts';
import { getSessionGate, identifySessionUser, markSessionExpired, onSessionEvent, sessionSignedIn, sessionSignedOut } from '../api/session-gate.ts';
import { alice } from '../api/session-test-server.ts';
import { authKeys } from '../features/auth/auth-keys.ts';
import { cachedSessionUser, markSignedOut } from '../features/auth/get-session.ts';
import { createQueryClient } from './query-client.ts';
import { connectRealtimeToSession } from './realtime-session.ts';
import { startScriptedServer, type ScriptedServer } from './realtime-test-server.ts';

// The socket follows the session: the session query in the cache and the session gate, against a real socket.

const stream = 'snip:0b6a2c1e-cccc-4a1a-8a1a-0000000000a1' as StreamName;
let server: ScriptedServer;
let queryClient: QueryClient;
let realtime: ReturnType<typeof connectRealtimeToSession>;

const settle = () => new Promise((resolve) => setTimeout(resolve, 250));


beforeEach(async () => {
  server = await startScriptedServer();
  queryClient = createQueryClient();
  identifySessionUser(() => cachedSessionUser(queryClient)?.id ?? null);
  queryClient.setQueryData(authKeys.session(), { user: alice, csrfToken: 'csrf-1' });
  realtime = connectRealtimeToSession(queryClient, {
    url: server.url,
    WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket,
    backoff: { baseMs: 20, capMs: 100 },
    lingerMs: 0,
    network: null,
    // Longer than any waitFor here: a test that sees the banner did not get it from the grace timer.
    sessionEndGraceMs: 5_000,
  });
});

afterEach(async () => {
  realtime.disconnect();
  queryClient.clear();
  if (getSessionGate().status === 'expired') sessionSignedOut();
  await server.close();
});

describe('the socket and the session', () => {
  it('opens when someone is signed in', async () => {
    await server.peer(0);
    await vi.waitFor(() => expect(realtime.connection.getStatus()).toBe('live'));
  });

  it('on 4401 marks the session expired and stays closed until the same person signs in again, then subscribes again', async () => {
    realtime.connection.subscribe(stream, () => {});
    const first = await server.peer(0);
    await vi.waitFor(() => expect(first.received).toHaveLength(1));

    first.socket.close(closeCodes.sessionEnded, sessionEndReasons.expired);
    // An expiry the server names is the banner's case at once: well within waitFor's second, not after the grace.
    await vi.waitFor(() => expect(getSessionGate()).toMatchObject({ status: 'expired', userId: alice.id }));
    expect(realtime.connection.getStatus()).toBe('paused');
    await settle();
    expect(server.peers).toHaveLength(1);

    sessionSignedIn(alice.id);
    const second = await server.peer(1);
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream }]));
    expect(realtime.connection.getStatus()).toBe('live');
  });

  it('shows no banner for the 4401 of a sign-out that the tab hears of a moment later', async () => {
    const first = await server.peer(0);
    const events: string[] = [];
    const stopListening = onSessionEvent((event) => events.push(event.type));
    first.socket.close(closeCodes.sessionEnded, sessionEndReasons.signedOut);
    await vi.waitFor(() => expect(realtime.connection.getStatus()).toBe('paused'));
    // The other tab's "signed out" arrives just after the close.
    sessionSignedOut({ origin: 'other-tab' });
    markSignedOut(queryClient);
    await settle();
    stopListening();
    expect(events).toEqual(['signed-out']);
    expect(realtime.connection.getStatus()).toBe('idle');
    expect(server.peers).toHaveLength(1);
  });

  it('closes when the fetch client (or another tab) sees the session expire, and opens again after signing in', async () => {
    const first = await server.peer(0);
    markSessionExpired();
    await vi.waitFor(() => expect(first.socket.readyState).toBe(NodeWebSocket.CLOSED));
    expect(realtime.connection.getStatus()).toBe('paused');

    sessionSignedIn(alice.id);
    await server.peer(1);
    await settle();
    expect(server.peers).toHaveLength(2);
  });

  it('closes at sign-out and does not come back on its own', async () => {
    const first = await server.peer(0);
    sessionSignedOut();
    markSignedOut(queryClient);
    await vi.waitFor(() => expect(first.socket.readyState).toBe(NodeWebSocket.CLOSED));
    expect(realtime.connection.getStatus()).toBe('idle');
    await settle();
    expect(server.peers).toHaveLength(1);
  });
});
