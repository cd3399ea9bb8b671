import { render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import type { SnipSummary } from '#shared/contracts/snips.ts';
import { serveTestApi, signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { testFlagSnapshot, underFlagsRoot } from '../flags/flags-test-root.tsx';
import { SnipListPage, snipListLoader } from './snip-list-page.tsx';
import { snipKeys } from './snip-keys.ts';

// "Load more" against a real HTTP server on loopback that answers like the BFF: focus goes to the first snip of
// the page it loaded, and a load that ended without one (a refetch of the list cancelled it) leaves nothing behind
// that would move focus later, when the list changes for another reason. The flags shape the list: its page size,
// and whether it offers an export.

const user = signedInUser('member');
const snip = (n: number): SnipSummary => ({
  id: `0b6a2c1e-0000-4a1a-8a1a-00000000000${n}`,
  workspaceId: user.workspace.id,
  author: { id: user.id, name: user.name },
  title: `Snip ${n}`,
  excerpt: 'select 1;',
  language: 'sql',
  tags: [],
  visibility: 'workspace',
  version: 1,
  publicSlug: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
});

/** The first page as the server has it now, and the older page behind the cursor. */
let firstPage: SnipSummary[] = [];
const olderPage = [snip(9)];
/** Set by a test that answers the older page itself, when it is ready: a load still on its way meanwhile. */
let holdOlderPage: ((answer: () => void) => void) | undefined;
/** What GET /api/flags answers, and the `limit` of every GET /api/snips, in order. */
let flags: FlagSnapshot;
let limits: (string | null)[];
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveTestApi((request, response) => {
    const url = new URL(request.url!, 'http://localhost');
    const json = (value: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (url.pathname === `/api/workspaces/${user.workspace.id}/members`) return json({ members: [] });
    if (url.pathname === '/api/flags') return json(flags);
    if (url.pathname !== '/api/snips') return response.writeHead(404).end();
    limits.push(url.searchParams.get('limit'));
    if (!url.searchParams.has('cursor')) return json({ items: firstPage, nextCursor: 'older' });
    const answer = () => json({ items: olderPage, nextCursor: null });
    return holdOlderPage ? holdOlderPage(answer) : answer();
  });
});

afterAll(() => api.close());

beforeEach(async () => {
  firstPage = [snip(1), snip(2)];
  holdOlderPage = undefined;
  flags = testFlagSnapshot();
  limits = [];
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user, csrfToken: 'token' });
});

afterEach(() => live.stop());

async function renderListPage() {
  const router = createMemoryRouter(
    underFlagsRoot(live.queryClient, [{ path: '/snips', loader: snipListLoader(live.queryClient), Component: SnipListPage }]),
    { initialEntries: ['/snips'] },
  );
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  await screen.findByRole('heading', { level: 1, name: 'Snips' });
  return userEvent.setup();
}

const snipLink = (title: string) => within(screen.getByRole('list', { name: 'Snips' })).getByRole('link', { name: title });

describe('SnipListPage', () => {
  it('puts focus on the first snip that "Load more" brought', async () => {
    const events = await renderListPage();
    await events.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(document.activeElement).toBe(snipLink('Snip 9')));
  });

  it('moves focus nowhere later when a load ended without a page, however the list changes afterwards', async () => {
    let answerOlderPage: (() => void) | undefined;
    holdOlderPage = (answer) => (answerOlderPage = answer);
    const events = await renderListPage();
    await events.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(answerOlderPage).toBeDefined());

    // Someone else's change (the workspace stream) refetches the list, which cancels the load on its way.
    await live.queryClient.invalidateQueries({ queryKey: snipKeys.lists() });
    answerOlderPage!();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Load more' }).hasAttribute('disabled')).toBe(false));

    // The person moves on, and the list grows by one more snip than it had when the load started.
    const search = screen.getByRole('searchbox', { name: 'Search' });
    await events.click(search);
    firstPage = [snip(3), snip(1), snip(2)];
    await live.queryClient.invalidateQueries({ queryKey: snipKeys.lists() });
    await vi.waitFor(() => expect(snipLink('Snip 3')).toBeDefined());
    expect(document.activeElement).toBe(search);
  });

  it('asks for pages of the size the snips-page-size flag says, the first and the next', async () => {
    flags = testFlagSnapshot({ 'snips-page-size': 50 });
    const events = await renderListPage();
    await events.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(snipLink('Snip 9')).toBeDefined());
    expect(limits).toEqual(['50', '50']);
    expect(live.queryClient.getQueryCache().findAll({ queryKey: snipKeys.lists() }).map((query) => query.queryKey)).toEqual([
      snipKeys.list({ limit: 50 }),
    ]);
  });

  it('offers Export while the export-button flag is on', async () => {
    await renderListPage();
    expect(screen.getByRole('button', { name: 'Export' }).getAttribute('aria-describedby')).toBeTruthy();
  });

  it('offers no Export at all while the export-button flag is off', async () => {
    flags = testFlagSnapshot({ 'export-button': false });
    await renderListPage();
    expect(snipLink('Snip 1')).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
    expect(screen.queryByText('Exports every snip listed here to a file.')).toBeNull();
  });
});
