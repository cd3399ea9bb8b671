import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile, SessionUser, WorkspaceRole } from '#shared/contracts/session.ts';
import { signedInUser } from '../../app/feature-test-harness.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { membershipsQueryOptions } from '../workspaces/list-memberships.ts';
import { FlagsNavLink } from './flags-nav-link.tsx';

// The header's "Flags" link follows the BFF's rule for the console: a product manager, or the owner of any
// workspace, not only of the current one.

const globexId = '0b6a2c1e-bbbb-4a1a-8a1a-00000000000b';

afterEach(cleanup);

/** The header's link for `user`, whose role in Acme is theirs and whose role in Globex is `globexRole`. */
async function renderLink(user: SessionUser, globexRole: WorkspaceRole) {
  const queryClient = createQueryClient();
  const profile: Profile = {
    id: user.id,
    email: user.email,
    name: user.name,
    isPm: user.isPm,
    currentWorkspaceId: user.workspace.id,
    memberships: [
      { workspaceId: user.workspace.id, workspaceName: 'Acme', role: user.workspace.role },
      { workspaceId: globexId, workspaceName: 'Globex', role: globexRole },
    ],
  };
  queryClient.setQueryData(membershipsQueryOptions.queryKey, profile);
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter>
        <nav aria-label="Main">
          <Suspense fallback={null}>
            <FlagsNavLink user={user} />
          </Suspense>
        </nav>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  await screen.findByRole('navigation', { name: 'Main' });
}

const flagsLink = () => screen.queryByRole('link', { name: 'Flags' });

describe('the Flags link', () => {
  it('shows to the owner of a workspace other than the current one', async () => {
    await renderLink(signedInUser('member'), 'owner');
    expect(flagsLink()?.getAttribute('href')).toBe('/admin/flags');
  });

  it('shows to the owner of the current workspace', async () => {
    await renderLink(signedInUser('owner'), 'viewer');
    expect(flagsLink()).not.toBeNull();
  });

  it('shows to a product manager who owns nothing', async () => {
    await renderLink({ ...signedInUser('member'), isPm: true }, 'member');
    expect(flagsLink()).not.toBeNull();
  });

  it('does not show to someone who owns no workspace', async () => {
    await renderLink(signedInUser('admin'), 'member');
    expect(flagsLink()).toBeNull();
  });
});
