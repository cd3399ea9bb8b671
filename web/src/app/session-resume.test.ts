import { focusManager, MutationObserver, QueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiRequest } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { getSessionGate, sessionSignedOut, waitingRequestCount } from '../api/session-gate.ts';
import { alice, bob, rightPassword, startOnPageOrigin, type SessionTestServer } from '../api/session-test-server.ts';
import { cachedSessionUser, sessionQueryOptions } from '../features/auth/get-session.ts';
import { signInAgain } from '../features/auth/sign-in-again.ts';
import { openSignedInTab } from './session-test-tab.ts';

// The whole chain against a real HTTP server on loopback: react-query → fetch client → session gate →
// signing in again in place → the held request going out once more. No mocked fetch.

const noteSchema = z.object({ id: z.string(), title: z.string(), version: z.number() });

let server: SessionTestServer;
let queryClient: QueryClient;
let disconnect: () => void;

beforeAll(async () => {
  server = await startOnPageOrigin();
});

afterAll(() => server.close());

beforeEach(async () => {
  ({ queryClient, disconnect } = await openSignedInTab(server));
});

afterEach(() => {
  disconnect();
  queryClient.clear();
  // Every test leaves the gate open, with nothing waiting on it.
  if (getSessionGate().status === 'expired') sessionSignedOut();
  expect(waitingRequestCount()).toBe(0);
});

const notePath = () => `/api/notes/${server.note.id}`;

function saveTitle(title: string) {
  const observer = new MutationObserver(queryClient, {
    mutationFn: (body: { title: string }) => apiRequest(notePath(), { method: 'PATCH', body, schema: noteSchema }),
  });
  const settled = observer.mutate({ title }).then(
    (note) => ({ note, error: undefined }),
    (error: unknown) => ({ note: undefined, error }),
  );
  return { observer, settled };
}

/** Lets the fetch client and the server run for a while, to show that nothing more happens. */
const idle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('a save that meets an expired session', () => {
  it('stays pending, then is sent again exactly once, with the same Idempotency-Key, when the same person signs in again', async () => {
    const versionBefore = server.note.version;
    server.expire();
    const save = saveTitle('Saved after signing in');

    await vi.waitFor(() => expect(getSessionGate().status).toBe('expired'));
    await idle();
    expect(observerState(save.observer)).toBe('pending');
    const [first, ...others] = server.requestsTo('PATCH', notePath());
    expect(first).toMatchObject({ status: 401, csrf: 'csrf-1' });
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(others).toEqual([]);
    // Who was signed in is still on screen: nothing is reset while the session is away.
    expect(cachedSessionUser(queryClient)?.id).toBe(alice.id);

    await expect(signInAgain(queryClient, { email: alice.email, password: rightPassword })).resolves.toBe('carry-on');
    const { note, error } = await save.settled;

    expect(error).toBeUndefined();
    expect(note).toMatchObject({ title: 'Saved after signing in', version: versionBefore + 1 });
    const patches = server.requestsTo('PATCH', notePath());
    expect(patches).toHaveLength(2);
    // The same key (so it could only ever land once) and the new session's token.
    expect(patches[1]).toMatchObject({ status: 200, idempotencyKey: first?.idempotencyKey, csrf: 'csrf-2' });
    expect(observerState(save.observer)).toBe('success');
  });

  it('is discarded when someone else signs in, and never sent again', async () => {
    const versionBefore = server.note.version;
    server.expire();
    const save = saveTitle('Never saved');
    await vi.waitFor(() => expect(waitingRequestCount()).toBe(1));

    await expect(signInAgain(queryClient, { email: bob.email, password: rightPassword })).resolves.toBe('start-over');
    const { error } = await save.settled;

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'session_expired' });
    expect(server.requestsTo('PATCH', notePath())).toHaveLength(1);
    expect(server.note.version).toBe(versionBefore);
    expect(getSessionGate().status).toBe('active');
  });

  it('keeps waiting after a wrong password', async () => {
    server.expire();
    const save = saveTitle('Still waiting');
    await vi.waitFor(() => expect(waitingRequestCount()).toBe(1));

    await expect(signInAgain(queryClient, { email: alice.email, password: 'wrong' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(getSessionGate().status).toBe('expired');
    expect(observerState(save.observer)).toBe('pending');

    await signInAgain(queryClient, { email: alice.email, password: rightPassword });
    expect((await save.settled).error).toBeUndefined();
  });

  it('goes back to the workspace the person was working in before it is sent again', async () => {
    // Alice was working in Globex; a sign-in starts in her home workspace (Acme).
    queryClient.setQueryData(sessionQueryOptions.queryKey, (cached) => cached && { ...cached, user: { ...alice, workspace: bob.workspace } });
    server.expire();
    const save = saveTitle('In Globex');
    await vi.waitFor(() => expect(waitingRequestCount()).toBe(1));

    await signInAgain(queryClient, { email: alice.email, password: rightPassword });
    await save.settled;

    const order = server.requests.map((request) => `${request.method} ${request.path}`);
    expect(order.indexOf('PUT /api/session/workspace')).toBeLessThan(order.lastIndexOf(`PATCH ${notePath()}`));
    expect(cachedSessionUser(queryClient)?.workspace.id).toBe(bob.workspace.id);
  });
});

describe('queries while the session is expired', () => {
  it('do not retry or refetch: they wait, and go out once when the person is back', async () => {
    const noteQuery = { queryKey: ['note'], queryFn: () => apiRequest(notePath(), { schema: noteSchema }) };
    server.expire();
    const first = queryClient.fetchQuery(noteQuery);
    await vi.waitFor(() => expect(getSessionGate().status).toBe('expired'));

    // Everything that would normally send requests: a new query, refetches, the window regaining focus.
    const observer = new QueryObserver(queryClient, { queryKey: ['another'], queryFn: () => apiRequest(notePath(), { schema: noteSchema }) });
    const unsubscribe = observer.subscribe(() => {});
    void queryClient.refetchQueries();
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await idle();

    expect(server.requestsTo('GET', notePath())).toHaveLength(1);
    expect(queryClient.getQueryState(['note'])?.status).toBe('pending');

    await signInAgain(queryClient, { email: alice.email, password: rightPassword });
    await expect(first).resolves.toMatchObject({ id: server.note.id });
    await vi.waitFor(() => expect(observer.getCurrentResult().status).toBe('success'));
    unsubscribe();
    focusManager.setFocused(undefined);

    // The one that met the 401, sent again, and the new one, sent for the first time: nothing more.
    expect(server.requestsTo('GET', notePath()).map((request) => request.status)).toEqual([401, 200, 200]);
  });

  it('stop waiting when they are cancelled, and are not sent afterwards', async () => {
    server.expire();
    const pending = queryClient.fetchQuery({ queryKey: ['note'], queryFn: ({ signal }) => apiRequest(notePath(), { schema: noteSchema, signal }) });
    await vi.waitFor(() => expect(waitingRequestCount()).toBe(1));

    await queryClient.cancelQueries({ queryKey: ['note'] });
    await expect(pending).rejects.toBeDefined();
    expect(waitingRequestCount()).toBe(0);

    await signInAgain(queryClient, { email: alice.email, password: rightPassword });
    await idle();
    expect(server.requestsTo('GET', notePath())).toHaveLength(1);
  });
});

it('a session that never existed still rejects at once (the sign-in page takes over)', async () => {
  // Signed out on the server behind this tab's back (say, the cookie was cleared): 401 unauthenticated.
  server.signOut();
  const { settled } = saveTitle('Nobody signed in');

  const { error } = await settled;
  expect(error).toMatchObject({ status: 401 });
  expect(getSessionGate().status).toBe('active');
  // The tab now shows nobody, which sends the router to the sign-in page.
  expect(cachedSessionUser(queryClient)).toBeNull();
});

function observerState(observer: { getCurrentResult(): { status: string } }): string {
  return observer.getCurrentResult().status;
}
