import type { QueryClient } from '@tanstack/react-query';
import { useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefCallback } from 'react';
import type { LoaderFunctionArgs } from 'react-router';
import type { SessionUser, WorkspaceRole } from '#shared/contracts/session.ts';
import { addMemberBodySchema, type Member } from '#shared/contracts/workspaces.ts';
import { isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { SelectField, TextField } from '../../ui/form-field.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { isFocusLost } from '../../ui/focus-lost.ts';
import { useSession } from '../auth/get-session.ts';
import { useConfirm } from '../../app/confirm-provider.tsx';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { useAddMember } from './add-member.ts';
import { useChangeMemberRole } from './change-member-role.ts';
import { memberListQueryOptions, useMembers } from './list-members.ts';
import { describeMembershipError } from './membership-errors.ts';
import { useRemoveMember } from './remove-member.ts';
import { assignableRoles, canManageMember, canManageMembers, roleDescriptions, roleInSentence, roleLabels } from './workspace-roles.ts';
import './members.css';

export function membersLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    const user = await requireUser(queryClient, request);
    await queryClient.ensureQueryData(memberListQueryOptions(user.workspace.id));
    return null;
  };
}

export function MembersPage() {
  // Null for a moment while signing out: the page is on its way out, and has nothing to ask the server for.
  const { user } = useSession();
  if (!user) return null;
  return <MemberDirectory key={user.workspace.id} user={user} />;
}

function MemberDirectory({ user }: { user: SessionUser }) {
  const workspaceId = user.workspace.id;
  const members = useMembers(workspaceId);
  const manages = canManageMembers(user.workspace.role);
  const addition = useAddMember(workspaceId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nameCells = useRef(new Map<string, HTMLElement>());

  // "X was added" answers the last thing done; once the person does something else it is old news.
  function dismissAddedNotice() {
    if (addition.isSuccess) addition.reset();
  }

  // The member being removed, and who is listed after them. Their row takes its focused Remove button with it:
  // focus goes on to the next member, or to the heading when it was the last row, never to the document.
  const leaving = useRef<{ userId: string; nextUserId: string | undefined } | null>(null);

  useLayoutEffect(() => {
    const removed = leaving.current;
    if (!removed || members.some((member) => member.userId === removed.userId)) return;
    leaving.current = null;
    const nextCell = removed.nextUserId === undefined ? undefined : nameCells.current.get(removed.nextUserId);
    // Unless the person has moved on while the removal was on its way.
    if (isFocusLost()) (nextCell ?? headingRef.current)?.focus();
  }, [members]);

  function markLeaving(userId: string) {
    const next = members[members.findIndex((member) => member.userId === userId) + 1];
    leaving.current = { userId, nextUserId: next?.userId };
  }

  return (
    <section className="page">
      <title>{`Members of ${user.workspace.name} · Snipdesk`}</title>
      <header className="page__header">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            Members
          </h1>
          <p className="page__lead">
            Everyone in {user.workspace.name}. You are {roleInSentence(user.workspace.role)} here
            {manages ? '.' : '; owners and admins manage members.'}
          </p>
        </div>
      </header>

      {manages && <AddMemberForm addition={addition} actorRole={user.workspace.role} onEdit={dismissAddedNotice} />}

      <div className="member-table__frame">
        <table className="member-table">
          <caption className="visually-hidden">Members of {user.workspace.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="member-table__email">
                Email
              </th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {manages && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                user={user}
                columns={manages ? 5 : 4}
                nameCellRef={(cell) => {
                  if (cell) nameCells.current.set(member.userId, cell);
                  return () => {
                    nameCells.current.delete(member.userId);
                  };
                }}
                onAction={dismissAddedNotice}
                onRemoving={(removing) => {
                  if (removing) markLeaving(member.userId);
                  else leaving.current = null;
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface AddMemberFormProps {
  addition: ReturnType<typeof useAddMember>;
  actorRole: WorkspaceRole;
  /** The person changed the email or role: a new addition is on its way. */
  onEdit: () => void;
}

function AddMemberForm({ addition, actorRole, onEdit }: AddMemberFormProps) {
  const headingId = useId();
  const [emailError, setEmailError] = useState<string | undefined>();
  const serverEmailIssue = isApiError(addition.error)
    ? addition.error.fieldIssues.find((issue) => issue.path === 'email')?.message
    : undefined;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const parsed = addMemberBodySchema.safeParse({ email: String(data.get('email') ?? '').trim(), role: data.get('role') });
    if (!parsed.success) {
      // The contract's own words; the role comes from a select of valid roles, so the email is what is wrong.
      setEmailError(parsed.error.issues[0]?.message);
      form.querySelector<HTMLInputElement>('input[name="email"]')?.focus();
      return;
    }
    setEmailError(undefined);
    addition.mutate(parsed.data, { onSuccess: () => form.reset() });
  }

  return (
    <form className="member-add" onSubmit={handleSubmit} onInput={onEdit} noValidate aria-labelledby={headingId}>
      <div>
        <h2 id={headingId}>Add a member</h2>
        <p className="member-add__hint">Anyone with a Snipdesk account, by the email they sign in with.</p>
      </div>
      {addition.isSuccess && (
        <Banner tone="success">
          {addition.data.name} was added as {roleInSentence(addition.data.role)}.
        </Banner>
      )}
      {addition.error != null && !serverEmailIssue && (
        <Banner tone="error">{describeMembershipError(addition.error, 'add')}</Banner>
      )}
      <div className="member-add__row">
        <TextField label="Email" name="email" type="email" autoComplete="off" required error={emailError ?? serverEmailIssue} />
        <SelectField
          label="Role"
          name="role"
          defaultValue="member"
          options={assignableRoles(actorRole).map((role) => ({ value: role, label: roleDescriptions[role] }))}
        />
        <Button type="submit" variant="primary" pending={addition.isPending} className="member-add__submit">
          Add member
        </Button>
      </div>
    </form>
  );
}

interface MemberRowProps {
  member: Member;
  user: SessionUser;
  columns: number;
  /** Receives the row's header cell, where focus goes when the row before it is removed. */
  nameCellRef: RefCallback<HTMLTableCellElement>;
  /** The person did something in this row (so earlier notices are out of date). */
  onAction: () => void;
  /** Removing the member was confirmed (true), or failed (false). */
  onRemoving: (removing: boolean) => void;
}

function MemberRow({ member, user, columns, nameCellRef, onAction, onRemoving }: MemberRowProps) {
  const workspaceId = user.workspace.id;
  const isSelf = member.userId === user.id;
  const actorRole = user.workspace.role;
  const manages = canManageMembers(actorRole);
  const manageable = canManageMember(actorRole, member.role);
  const change = useChangeMemberRole(workspaceId);
  const removal = useRemoveMember(workspaceId);
  const confirm = useConfirm();
  const selectRef = useRef<HTMLSelectElement>(null);
  // The role picked in the select, from when it is picked until it is applied or dropped; null shows the current one.
  const [pickedRole, setPickedRole] = useState<WorkspaceRole | null>(null);
  const proposedRole = pickedRole !== null && pickedRole !== member.role ? pickedRole : null;
  const error = removal.error ?? change.error;

  // A closed native select changes its value on every ↑/↓: picking only proposes, so a keyboard user can look
  // through the roles (WCAG 3.2.2). Enter in the select or the Change button applies, after the modal asks.
  async function applyProposedRole() {
    if (proposedRole === null || change.isPending) return;
    onAction();
    change.reset();
    removal.reset();
    const who = isSelf ? 'yourself' : member.name;
    const confirmed = await confirm({
      title: 'Change role?',
      body: `Make ${who} ${roleInSentence(proposedRole)}? ${roleDescriptions[proposedRole]}.`,
      confirmLabel: 'Change role',
    });
    // The Change button goes away with the proposal: focus stays with the role.
    selectRef.current?.focus();
    if (!confirmed) return setPickedRole(null);
    change.mutate({ userId: member.userId, role: proposedRole }, { onSettled: () => setPickedRole(null) });
  }

  function handleRoleKeyDown(event: KeyboardEvent<HTMLSelectElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      void applyProposedRole();
    } else if (event.key === 'Escape' && proposedRole !== null) {
      event.preventDefault();
      setPickedRole(null);
    }
  }

  async function remove() {
    onAction();
    change.reset();
    removal.reset();
    const confirmed = await confirm({
      title: `Remove ${member.name}?`,
      body: `${member.name} will lose access to ${user.workspace.name} at once. Their snips stay.`,
      confirmLabel: 'Remove member',
      tone: 'danger',
    });
    if (!confirmed) return;
    onRemoving(true);
    // On failure the row stays, and says what went wrong.
    removal.mutate(member.userId, { onError: () => onRemoving(false) });
  }

  return (
    <>
      <tr>
        <th ref={nameCellRef} scope="row" className="member-table__name" tabIndex={-1}>
          {member.name}
          {isSelf && <span className="member-table__you"> (you)</span>}
        </th>
        <td className="member-table__email" data-label="Email">{member.email}</td>
        <td data-label="Role">
          {manageable ? (
            <div className="member-role">
              {/* Busy, not disabled, while changing: disabling the focused select would drop focus to the page. */}
              <select
                ref={selectRef}
                className="field__control field__control--select member-role__select"
                aria-label={`Role of ${member.name}`}
                value={proposedRole ?? member.role}
                aria-busy={change.isPending || undefined}
                onChange={(event) => {
                  if (!change.isPending) setPickedRole(event.target.value as WorkspaceRole);
                }}
                onKeyDown={handleRoleKeyDown}
              >
                {assignableRoles(actorRole).map((role) => (
                  <option key={role} value={role}>
                    {roleLabels[role]}
                  </option>
                ))}
              </select>
              {proposedRole !== null && (
                <Button variant="primary" onClick={() => void applyProposedRole()} pending={change.isPending}>
                  Change<span className="visually-hidden"> role of {member.name}</span>
                </Button>
              )}
            </div>
          ) : (
            <span className={`badge role-badge role-badge--${member.role}`}>{roleLabels[member.role]}</span>
          )}
        </td>
        <td className="member-table__joined" data-label="Joined">
          <RelativeTime iso={member.joinedAt} />
        </td>
        {manages && (
          <td className="member-table__actions">
            {/* Leaving is not offered here: the session would be left in a workspace it no longer belongs to. */}
            {manageable && !isSelf && (
              <Button variant="danger" pending={removal.isPending} onClick={() => void remove()}>
                Remove<span className="visually-hidden"> {member.name}</span>
              </Button>
            )}
          </td>
        )}
      </tr>
      {error != null && (
        <tr className="member-table__problem">
          <td colSpan={columns}>
            <Banner tone="error">{describeMembershipError(error, 'change')}</Banner>
          </td>
        </tr>
      )}
    </>
  );
}
