import type { QueryClient } from '@tanstack/react-query';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiRequest, configureApiClient } from '../api/api-client.ts';
import { getSessionGate, identifySessionUser, markSessionExpired, sessionSignedIn, sessionSignedOut, waitingRequestCount } from '../api/session-gate.ts';
import { alice, bob, startOnPageOrigin, type SessionTestServer } from '../api/session-test-server.ts';
import { cachedSessionUser, refreshSession, sessionQueryOptions } from '../features/auth/get-session.ts';
import { createQueryClient } from './query-client.ts';
import { connectSessionAcrossTabs, sessionChannelName, type SessionMessage } from './session-sync.ts';

// Two tabs in one process: this module's gate is "this tab"; a second BroadcastChannel on the same name is
// "the other tab". Node's BroadcastChannel delivers between them as browsers do between tabs.

let server: SessionTestServer;
let queryClient: QueryClient;
let otherTab: BroadcastChannel;
let heardByOtherTab: unknown[];
let disconnect: () => void;
const actions = { leaveForSignIn: vi.fn(async () => {}), startOver: vi.fn(), revalidate: vi.fn() };

beforeAll(async () => {
  server = await startOnPageOrigin();
});

afterAll(() => server.close());

beforeEach(async () => {
  server.requests.length = 0;
  server.signIn(alice);
  queryClient = createQueryClient();
  identifySessionUser(() => cachedSessionUser(queryClient)?.id ?? null);
  configureApiClient({
    csrfToken: async ({ refresh }) =>
      (refresh ? await refreshSession(queryClient) : await queryClient.ensureQueryData(sessionQueryOptions)).csrfToken,
    onUnauthorized: () => {},
  });
  await queryClient.fetchQuery(sessionQueryOptions);
  for (const action of Object.values(actions)) action.mockClear();
  disconnect = connectSessionAcrossTabs(queryClient, actions);
  heardByOtherTab = [];
  otherTab = new BroadcastChannel(sessionChannelName);
  otherTab.onmessage = (event: MessageEvent<unknown>) => heardByOtherTab.push(event.data);
});

afterEach(() => {
  otherTab.close();
  disconnect();
  if (getSessionGate().status === 'expired') sessionSignedOut();
  queryClient.clear();
});

const tell = (message: SessionMessage | Record<string, unknown> | string) => otherTab.postMessage(message);
const notePath = () => `/api/notes/${server.note.id}`;
const noteSchema = z.object({ title: z.string(), version: z.number() });

describe('this tab tells the others', () => {
  it('what it saw itself: an expiry, a sign-in, a sign-out', async () => {
    markSessionExpired();
    sessionSignedIn(alice.id);
    sessionSignedOut();
    await vi.waitFor(() =>
      expect(heardByOtherTab).toEqual([{ type: 'expired', userId: alice.id }, { type: 'signed-in', userId: alice.id }, { type: 'signed-out' }]),
    );
  });

  it('but never echoes what it was told', async () => {
    tell({ type: 'expired', userId: alice.id });
    await vi.waitFor(() => expect(getSessionGate().status).toBe('expired'));
    markSessionExpired();
    sessionSignedOut();
    await vi.waitFor(() => expect(heardByOtherTab).toEqual([{ type: 'signed-out' }]));
  });
});

describe('what this tab does when told', () => {
  it('an expiry in another tab shows the banner here too (the gate is expired)', async () => {
    tell({ type: 'expired', userId: alice.id });
    await vi.waitFor(() => expect(getSessionGate()).toMatchObject({ status: 'expired', userId: alice.id }));
  });

  it('an expiry of somebody else’s session, or a message of the wrong shape, changes nothing', async () => {
    tell({ type: 'expired', userId: bob.id });
    tell({ type: 'expired' });
    tell({ type: 'signed-in', userId: 42 });
    tell('signed-out');
    // A well-formed message sent after them arrives after them: once it has, the others were ignored.
    tell({ type: 'signed-in', userId: alice.id });
    await vi.waitFor(() => expect(server.requestsTo('GET', '/api/session')).toHaveLength(1));
    expect(getSessionGate().status).toBe('active');
    expect(actions.leaveForSignIn).not.toHaveBeenCalled();
  });

  it('the same person signing in elsewhere resumes the held save here, with the new session’s token', async () => {
    server.expire();
    const save = apiRequest(notePath(), { method: 'PATCH', body: { title: 'From tab two' }, schema: noteSchema });
    await vi.waitFor(() => expect(waitingRequestCount()).toBe(1));

    // The other tab signed in: the cookie (here, the server's one session) is shared.
    server.signIn(alice);
    tell({ type: 'signed-in', userId: alice.id });

    await expect(save).resolves.toMatchObject({ title: 'From tab two' });
    const patches = server.requestsTo('PATCH', notePath());
    expect(patches.map((patch) => patch.status)).toEqual([401, 200]);
    expect(patches[1]?.idempotencyKey).toBe(patches[0]?.idempotencyKey);
    expect(patches[1]?.csrf).toBe(queryClient.getQueryData(sessionQueryOptions.queryKey)?.csrfToken);
    expect(getSessionGate().status).toBe('active');
  });

  it('someone else signing in elsewhere discards the held work and starts over', async () => {
    markSessionExpired();
    const waiting = apiRequest(notePath(), { method: 'PATCH', body: { title: 'Lost' } }).catch((error: unknown) => error);
    tell({ type: 'signed-in', userId: bob.id });
    await expect(waiting).resolves.toMatchObject({ code: 'session_expired' });
    expect(actions.startOver).toHaveBeenCalledOnce();
  });

  it('a sign-in elsewhere moves a signed-out tab on from the sign-in page', async () => {
    queryClient.setQueryData(sessionQueryOptions.queryKey, (cached) => cached && { ...cached, user: null });
    tell({ type: 'signed-in', userId: alice.id });
    await vi.waitFor(() => expect(actions.revalidate).toHaveBeenCalledOnce());
    expect(actions.startOver).not.toHaveBeenCalled();
  });

  it('a sign-out elsewhere signs this tab out and sends it to the sign-in page', async () => {
    markSessionExpired();
    const waiting = apiRequest(notePath()).catch((error: unknown) => error);
    tell({ type: 'signed-out' });
    await vi.waitFor(() => expect(actions.leaveForSignIn).toHaveBeenCalledOnce());
    await expect(waiting).resolves.toMatchObject({ code: 'session_expired' });
    expect(cachedSessionUser(queryClient)).toBeNull();
    expect(getSessionGate().status).toBe('active');
  });
});
