import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { DevFlagsPage, devFlagsLoader } from './dev-flags-page.tsx';
import { serveFlagSnapshot, testFlagSnapshot, underFlagsRoot } from './flags-test-root.tsx';

// The dev panel against a real HTTP server (GET /api/flags) and a real WebSocket (the flags stream): each client
// flag with its value, reason, rule and propagation, and what a flip left waiting for the next navigation.

const user = signedInUser('member');
let served: FlagSnapshot;
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveFlagSnapshot(() => served);
});

afterAll(() => api.close());

beforeEach(async () => {
  served = testFlagSnapshot();
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user, csrfToken: 'token' });
});

afterEach(() => live.stop());

async function renderPanel() {
  const router = createMemoryRouter(
    underFlagsRoot(live.queryClient, [{ path: '/dev/flags', loader: devFlagsLoader(live.queryClient), Component: DevFlagsPage }]),
    { initialEntries: ['/dev/flags'] },
  );
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  return screen.findByRole('table', { name: /^Client flags at revision/ });
}

const rows = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => [...row.children].map((cell) => cell.textContent));

describe('DevFlagsPage', () => {
  it('shows each client flag with its value, reason, rule and propagation, in a table with its headers', async () => {
    const table = await renderPanel();
    expect(screen.getByRole('heading', { level: 1, name: 'Flags' })).toBeDefined();
    expect([...table.querySelectorAll('thead th')].map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Flag', 'col'],
      ['Value', 'col'],
      ['Reason', 'col'],
      ['Rule', 'col'],
      ['Propagation', 'col'],
      ['Waiting for the next navigation', 'col'],
    ]);
    expect([...table.querySelectorAll('tbody th')].map((th) => th.getAttribute('scope'))).toEqual(['row', 'row', 'row', 'row']);
    expect(rows(table)).toEqual([
      ['export-button', 'true', 'default', 'declared-default', 'Live', 'No'],
      ['live-presence', 'true', 'default', 'declared-default', 'Live', 'No'],
      ['snip-editor-layout', 'stacked', 'default', 'declared-default', 'Next navigation', 'No'],
      ['snips-page-size', '20', 'default', 'declared-default', 'Next navigation', 'No'],
    ]);
    // No server-only flag reaches the SPA, so none is listed.
    expect(table.textContent).not.toContain('export-read-batch-size');
  });

  it('shows a live flip at once, and the next-navigation value a flip left waiting', async () => {
    const table = await renderPanel();
    const peer = await live.subscribed(`flags:${user.id}`);
    served = testFlagSnapshot({ 'export-button': false, 'snips-page-size': 50 }, 2);
    peer.send({ v: 1, type: 'update', stream: `flags:${user.id}`, seq: 2, state: { kind: 'flags', revision: 2 } });

    await screen.findByRole('table', { name: 'Client flags at revision 2' });
    expect(rows(table)).toEqual([
      ['export-button', 'false', 'override', 'user-override', 'Live', 'No'],
      ['live-presence', 'true', 'default', 'declared-default', 'Live', 'No'],
      ['snip-editor-layout', 'stacked', 'default', 'declared-default', 'Next navigation', 'No'],
      ['snips-page-size', '20', 'default', 'declared-default', 'Next navigation', '50 (override)'],
    ]);
  });
});
