import { useId } from 'react';
import type { SessionUser } from '#shared/contracts/session.ts';
import { useMemberships } from './list-memberships.ts';

export interface WorkspaceSwitcherProps {
  user: SessionUser;
  /** Called with the chosen workspace's id; the caller switches (and shows a failure). */
  onSwitch: (workspaceId: string) => void;
  /** The workspace being switched to, while the switch is on its way. */
  pendingWorkspaceId?: string | undefined;
}

/**
 * The current workspace, in the header. Someone in several workspaces gets a native select labelled "Workspace"
 * (keyboard and screen readers know it); someone in one sees just its name.
 */
export function WorkspaceSwitcher({ user, onSwitch, pendingWorkspaceId }: WorkspaceSwitcherProps) {
  const memberships = useMemberships();
  const id = useId();
  const options = memberships.some((membership) => membership.workspaceId === user.workspace.id)
    ? memberships
    : [{ workspaceId: user.workspace.id, workspaceName: user.workspace.name, role: user.workspace.role }, ...memberships];

  if (options.length < 2) {
    return (
      <span className="workspace-name">
        <span className="visually-hidden">Workspace: </span>
        {user.workspace.name}
      </span>
    );
  }
  return (
    <span className="workspace-switcher">
      <label htmlFor={id} className="visually-hidden">
        Workspace
      </label>
      <select
        id={id}
        className="workspace-switcher__select"
        value={pendingWorkspaceId ?? user.workspace.id}
        disabled={pendingWorkspaceId !== undefined}
        aria-busy={pendingWorkspaceId !== undefined || undefined}
        onChange={(event) => onSwitch(event.target.value)}
      >
        {options.map((membership) => (
          <option key={membership.workspaceId} value={membership.workspaceId}>
            {membership.workspaceName}
          </option>
        ))}
      </select>
    </span>
  );
}
