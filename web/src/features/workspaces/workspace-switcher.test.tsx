import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signedInUser } from '../../app/feature-test-harness.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { membershipsQueryOptions } from './list-memberships.ts';
import { WorkspaceSwitcher } from './workspace-switcher.tsx';

// Picking in the select only proposes a workspace: what switches is a decision, Enter or the Switch button.
// (Chromium's ↑/↓ on a closed select, which picks as it goes, is proven in e2e/select-decisions.spec.ts.)

const user = signedInUser();
const globex = '0b6a2c1e-bbbb-4a1a-8a1a-00000000000b';

afterEach(cleanup);

function renderSwitcher() {
  const queryClient = createQueryClient();
  queryClient.setQueryData(membershipsQueryOptions.queryKey, {
    id: user.id,
    email: user.email,
    name: user.name,
    isPm: false,
    currentWorkspaceId: user.workspace.id,
    memberships: [
      { workspaceId: user.workspace.id, workspaceName: 'Acme', role: 'owner' },
      { workspaceId: globex, workspaceName: 'Globex', role: 'member' },
    ],
  });
  const onSwitch = vi.fn<(workspaceId: string) => void>();
  render(
    <QueryClientProvider client={queryClient}>
      <Suspense>
        <WorkspaceSwitcher user={user} onSwitch={onSwitch} />
      </Suspense>
    </QueryClientProvider>,
  );
  return { onSwitch, events: userEvent.setup(), select: screen.getByRole<HTMLSelectElement>('combobox', { name: 'Workspace' }) };
}

describe('WorkspaceSwitcher', () => {
  it('switches with the Switch button once a workspace is picked, not on the pick', async () => {
    const { onSwitch, events, select } = renderSwitcher();
    expect(screen.queryByRole('button', { name: /^Switch/ })).toBeNull();

    await events.selectOptions(select, 'Globex');
    expect(onSwitch).not.toHaveBeenCalled();
    expect(select.value).toBe(globex);

    await events.click(screen.getByRole('button', { name: 'Switch to Globex' }));
    expect(onSwitch).toHaveBeenCalledExactlyOnceWith(globex);
    expect(document.activeElement).toBe(select);
  });

  it('switches on Enter in the select, and Escape puts the pick back', async () => {
    const { onSwitch, events, select } = renderSwitcher();
    await events.selectOptions(select, 'Globex');
    await events.keyboard('{Escape}');
    expect(select.value).toBe(user.workspace.id);
    expect(screen.queryByRole('button', { name: /^Switch/ })).toBeNull();

    await events.keyboard('{Enter}');
    expect(onSwitch).not.toHaveBeenCalled();

    await events.selectOptions(select, 'Globex');
    await events.keyboard('{Enter}');
    expect(onSwitch).toHaveBeenCalledExactlyOnceWith(globex);
  });
});
