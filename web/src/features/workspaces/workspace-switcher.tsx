import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SessionUser } from '#shared/contracts/session.ts';
import { Button } from '../../ui/button.tsx';
import { useMemberships } from './list-memberships.ts';
import './workspace-switcher.css';

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
 *
 * Picking in the select only proposes: a closed native select changes its value on every ↑/↓, and switching
 * workspace there would throw a keyboard user onto another workspace's list while they look through the names
 * (WCAG 3.2.2). The switch happens on a decision: Enter in the select, or the Switch button that shows beside it.
 * Escape puts the select back.
 */
export function WorkspaceSwitcher({ user, onSwitch, pendingWorkspaceId }: WorkspaceSwitcherProps) {
  const memberships = useMemberships();
  const id = useId();
  const selectRef = useRef<HTMLSelectElement>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const options = memberships.some((membership) => membership.workspaceId === user.workspace.id)
    ? memberships
    : [{ workspaceId: user.workspace.id, workspaceName: user.workspace.name, role: user.workspace.role }, ...memberships];
  const proposed = picked !== null && picked !== user.workspace.id ? options.find((option) => option.workspaceId === picked) : undefined;

  if (options.length < 2) {
    return (
      <span className="workspace-name">
        <span className="visually-hidden">Workspace: </span>
        {user.workspace.name}
      </span>
    );
  }

  function switchToProposed() {
    if (!proposed) return;
    setPicked(null);
    // The Switch button goes away with the proposal: focus stays on the select rather than dropping to the page
    // (until the new workspace's list opens, whose heading takes it).
    selectRef.current?.focus();
    onSwitch(proposed.workspaceId);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLSelectElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      switchToProposed();
    } else if (event.key === 'Escape' && proposed) {
      event.preventDefault();
      setPicked(null);
    }
  }

  const switching = pendingWorkspaceId !== undefined;
  return (
    <span className="workspace-switcher">
      <label htmlFor={id} className="visually-hidden">
        Workspace
      </label>
      {/* Busy, not disabled, while switching: disabling the focused select would drop focus to the page. */}
      <select
        ref={selectRef}
        id={id}
        className="workspace-switcher__select"
        value={pendingWorkspaceId ?? proposed?.workspaceId ?? user.workspace.id}
        aria-busy={switching || undefined}
        onChange={(event) => {
          if (!switching) setPicked(event.target.value);
        }}
        onKeyDown={handleKeyDown}
      >
        {options.map((membership) => (
          <option key={membership.workspaceId} value={membership.workspaceId}>
            {membership.workspaceName}
          </option>
        ))}
      </select>
      {proposed && (
        <Button variant="primary" className="workspace-switcher__apply" onClick={switchToProposed}>
          Switch<span className="visually-hidden"> to {proposed.workspaceName}</span>
        </Button>
      )}
    </span>
  );
}
