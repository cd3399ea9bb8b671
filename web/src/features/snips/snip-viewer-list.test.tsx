import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { serveFlagSnapshot, testFlagSnapshot, underFlagsRoot } from '../flags/flags-test-root.tsx';
import { SnipViewerList } from './snip-viewer-list.tsx';

// Who else is viewing a snip, and the kill switch for live presence (a real HTTP server answers GET /api/flags).

const viewers = [
  { id: '0b6a2c1e-1111-4a1a-8a1a-000000000002', name: 'Mia Member' },
  { id: '0b6a2c1e-1111-4a1a-8a1a-000000000003', name: 'Vera Viewer' },
];

let flags: FlagSnapshot;
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveFlagSnapshot(() => flags);
});

afterAll(() => api.close());

beforeEach(async () => {
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser(), csrfToken: 'token' });
});

afterEach(() => live.stop());

async function renderViewers() {
  const router = createMemoryRouter(
    underFlagsRoot(live.queryClient, [
      {
        path: '/',
        element: (
          <>
            <SnipViewerList viewers={viewers} />
            <p>Rendered</p>
          </>
        ),
      },
    ]),
  );
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  await screen.findByText('Rendered');
}

describe('SnipViewerList', () => {
  it('lists who else is viewing while live presence is on', async () => {
    flags = testFlagSnapshot();
    await renderViewers();
    const list = screen.getByRole('list', { name: 'Viewing now:' });
    // Each: the initials (hidden from screen readers), the name, and the comma read between names.
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['MMMia Member,', 'VVVera Viewer']);
  });

  it('shows nobody while the live-presence kill switch is off', async () => {
    flags = testFlagSnapshot({ 'live-presence': false });
    await renderViewers();
    expect(screen.queryByRole('list', { name: 'Viewing now:' })).toBeNull();
    expect(screen.queryByText(/Mia Member/)).toBeNull();
  });
});
