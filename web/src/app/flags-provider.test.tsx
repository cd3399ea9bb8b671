import { act, render, screen } from '@testing-library/react';
import { useEffect } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import type { SessionUser } from '#shared/contracts/session.ts';
import type { ServerMessage } from '#shared/realtime/messages.ts';
import { forgetSignedInData, sessionQueryOptions } from '../features/auth/get-session.ts';
import { testFlagSnapshot, underFlagsRoot } from '../features/flags/flags-test-root.tsx';
import { flagScopeOf, flagSnapshotQueryOptions } from '../features/flags/get-flags.ts';
import { useFlag } from '../features/flags/use-flag.ts';
import { serveTestApi, signedInUser, startLiveTest, type LiveTest, type TestApi } from './feature-test-harness.tsx';

// The flags of a tab, against a real HTTP server answering GET /api/flags and a real WebSocket standing in for the
// gateway: the snapshot is there before the first paint; a flip announced on the flags stream is read again with
// `atLeast`; a `live` flag changes at once, a `next-navigation` flag on the next route change only; a reconnect
// catches up on a flip it missed; another workspace reads its own snapshot.

const user = signedInUser('member');
const inGlobex: SessionUser = { ...user, workspace: { id: '0b6a2c1e-bbbb-4a1a-8a1a-00000000000b', name: 'Globex', role: 'owner' } };
const stream = `flags:${user.id}` as const;

/** What GET /api/flags answers now, and the query string of every such request, in order. */
let served: FlagSnapshot;
let flagRequests: string[];
/** Set by a test that answers GET /api/flags itself, when it is ready. */
let holdFlags: ((answer: () => void) => void) | undefined;
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveTestApi((request, response) => {
    const url = new URL(request.url!, 'http://localhost');
    if (url.pathname !== '/api/flags') return response.writeHead(404).end();
    flagRequests.push(url.search);
    const body = JSON.stringify(served);
    const answer = () => response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return holdFlags ? holdFlags(answer) : answer();
  });
});

afterAll(() => api.close());

beforeEach(async () => {
  served = testFlagSnapshot();
  flagRequests = [];
  holdFlags = undefined;
  painted = [];
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user, csrfToken: 'token' });
});

afterEach(() => live.stop());

/** Every layout and export value the probe put on the screen, in order. */
let painted: string[];

function Probe() {
  const layout = useFlag('snip-editor-layout');
  const exportsOn = useFlag('export-button');
  const text = `layout ${layout}, export ${exportsOn ? 'on' : 'off'}`;
  useEffect(() => {
    painted.push(text);
  }, [text]);
  return <p>{text}</p>;
}

function renderProbe(path = '/first') {
  const router = createMemoryRouter(
    underFlagsRoot(live.queryClient, [
      { path: '/first', Component: Probe },
      { path: '/second', Component: Probe },
    ]),
    { initialEntries: [path] },
  );
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  return router;
}

const flagsState = (seq: number, type: 'snapshot' | 'update' = 'update'): ServerMessage => ({
  v: 1,
  type,
  stream,
  seq,
  state: { kind: 'flags', revision: seq },
});

describe('FlagsProvider', () => {
  it('has the snapshot before the first paint: a flag that is on never shows its default', async () => {
    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side', 'export-button': false });
    let answerFlags: (() => void) | undefined;
    holdFlags = (answer) => (answerFlags = answer);
    renderProbe();

    await vi.waitFor(() => expect(answerFlags).toBeDefined());
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    answerFlags!();
    await screen.findByText('layout side-by-side, export off');
    expect(painted).toEqual(['layout side-by-side, export off']);
  });

  it('applies a live flip at once and a next-navigation flip on the next route change only', async () => {
    const router = renderProbe();
    await screen.findByText('layout stacked, export on');
    const peer = await live.subscribed(stream);

    // The snapshot on subscribing says nothing new: nothing is read again (the update after it comes first if it were).
    peer.send(flagsState(1, 'snapshot'));
    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side', 'export-button': false }, 2);
    peer.send(flagsState(2));
    await screen.findByText('layout stacked, export off');
    expect(flagRequests).toEqual(['', '?atLeast=2']);

    // A change of the query alone is the same page: the layout still waits.
    await act(() => router.navigate('/first?q=sql'));
    expect(router.state.location.search).toBe('?q=sql');
    expect(screen.getByText('layout stacked, export off')).toBeDefined();

    await act(() => router.navigate('/second'));
    await screen.findByText('layout side-by-side, export off');
    expect(painted).toEqual(['layout stacked, export on', 'layout stacked, export off', 'layout side-by-side, export off']);
  });

  it('catches up after a reconnect on a flip it missed, through the stream’s fresh snapshot', async () => {
    renderProbe();
    await screen.findByText('layout stacked, export on');
    const first = await live.subscribed(stream);
    first.send(flagsState(1, 'snapshot'));

    served = testFlagSnapshot({ 'export-button': false }, 3);
    first.socket.terminate();
    const second = await live.ws.peer(1);
    await vi.waitFor(() => expect(second.received).toEqual([{ v: 1, type: 'subscribe', stream }]));
    second.send(flagsState(3, 'snapshot'));
    await screen.findByText('layout stacked, export off');
    expect(flagRequests).toEqual(['', '?atLeast=3']);
  });

  it('reads the snapshot of another workspace when the session moves there, and drops it once it is out of date', async () => {
    renderProbe();
    await screen.findByText('layout stacked, export on');
    const peer = await live.subscribed(stream);

    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side' });
    act(() => live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: inGlobex, csrfToken: 'token' }));
    await screen.findByText('layout side-by-side, export on');
    expect(flagRequests).toEqual(['', '']);

    // A flip later: Globex's snapshot is read again, Acme's is forgotten rather than shown as it was, should the
    // person switch back.
    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side', 'export-button': false }, 2);
    peer.send(flagsState(2));
    await screen.findByText('layout side-by-side, export off');
    const cached = (who: SessionUser) => live.queryClient.getQueryData(flagSnapshotQueryOptions(flagScopeOf(who)).queryKey);
    expect(cached(user)).toBeUndefined();
    expect(cached(inGlobex)?.revision).toBe(2);
  });

  it('follows no flags stream while signed out; signing in reads the person’s snapshot and follows their stream', async () => {
    live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: null, csrfToken: 'token' });
    const router = renderProbe();
    await screen.findByText('layout stacked, export on');

    // As the sign-in does it: what was read signed out is dropped, the person is in the cache, then the page they
    // came for opens, while their snapshot is still on its way.
    served = testFlagSnapshot({ 'snip-editor-layout': 'side-by-side' }, 2);
    let answerFlags: (() => void) | undefined;
    holdFlags = (answer) => (answerFlags = answer);
    act(() => {
      forgetSignedInData(live.queryClient);
      live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user, csrfToken: 'token' });
    });
    void router.navigate('/second');
    await vi.waitFor(() => expect(answerFlags).toBeDefined());
    // Exactly one subscribe, to this person's flags: none went out before. Its snapshot arrives before the read's
    // answer, which already has that revision: it waits for that read (the navigation does too), and reads nothing more.
    const peer = await live.subscribed(stream);
    peer.send(flagsState(2, 'snapshot'));
    holdFlags = undefined;
    answerFlags!();
    await screen.findByText('layout side-by-side, export on');
    expect(router.state.location.pathname).toBe('/second');
    peer.send(flagsState(3));
    await vi.waitFor(() => expect(flagRequests).toEqual(['', '', '?atLeast=3']));
  });
});
