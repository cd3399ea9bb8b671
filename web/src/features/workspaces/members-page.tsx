import type { QueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { LoaderFunctionArgs } from 'react-router';
import type { SessionUser, WorkspaceRole } from '#shared/contracts/session.ts';
import { addMemberBodySchema, type Member } from '#shared/contracts/workspaces.ts';
import { isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { SelectField, TextField } from '../../ui/form-field.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
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

  return (
    <section className="page">
      <title>{`Members of ${user.workspace.name} · Snipdesk`}</title>
      <header className="page__header">
        <div>
          <h1>Members</h1>
          <p className="page__lead">
            Everyone in {user.workspace.name}. You are {roleInSentence(user.workspace.role)} here
            {manages ? '.' : '; owners and admins manage members.'}
          </p>
        </div>
      </header>

      {manages && <AddMemberForm workspaceId={workspaceId} actorRole={user.workspace.role} />}

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
              <MemberRow key={member.userId} member={member} user={user} columns={manages ? 5 : 4} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AddMemberForm({ workspaceId, actorRole }: { workspaceId: string; actorRole: WorkspaceRole }) {
  const addition = useAddMember(workspaceId);
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
      setEmailError('Enter an email address, like name@example.com.');
      form.querySelector<HTMLInputElement>('input[name="email"]')?.focus();
      return;
    }
    setEmailError(undefined);
    addition.mutate(parsed.data, { onSuccess: () => form.reset() });
  }

  return (
    <form className="member-add" onSubmit={handleSubmit} noValidate aria-labelledby={headingId}>
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

function MemberRow({ member, user, columns }: { member: Member; user: SessionUser; columns: number }) {
  const workspaceId = user.workspace.id;
  const isSelf = member.userId === user.id;
  const actorRole = user.workspace.role;
  const manages = canManageMembers(actorRole);
  const manageable = canManageMember(actorRole, member.role);
  const change = useChangeMemberRole(workspaceId);
  const removal = useRemoveMember(workspaceId);
  const confirm = useConfirm();
  // The role picked in the select while the confirm modal asks about it; null when nothing is being changed.
  const [proposedRole, setProposedRole] = useState<WorkspaceRole | null>(null);
  const error = removal.error ?? change.error;

  // Changing a role changes what someone may do, so the select only proposes and the modal asks.
  async function propose(role: WorkspaceRole) {
    change.reset();
    removal.reset();
    if (role === member.role) return;
    setProposedRole(role);
    const who = isSelf ? 'yourself' : member.name;
    const confirmed = await confirm({
      title: 'Change role?',
      body: `Make ${who} ${roleInSentence(role)}? ${roleDescriptions[role]}.`,
      confirmLabel: 'Change role',
    });
    if (!confirmed) return setProposedRole(null);
    change.mutate({ userId: member.userId, role }, { onSettled: () => setProposedRole(null) });
  }

  async function remove() {
    change.reset();
    removal.reset();
    const confirmed = await confirm({
      title: `Remove ${member.name}?`,
      body: `${member.name} will lose access to ${user.workspace.name} at once. Their snips stay.`,
      confirmLabel: 'Remove member',
      tone: 'danger',
    });
    if (confirmed) removal.mutate(member.userId);
  }

  return (
    <>
      <tr>
        <th scope="row" className="member-table__name">
          {member.name}
          {isSelf && <span className="member-table__you"> (you)</span>}
        </th>
        <td className="member-table__email">{member.email}</td>
        <td>
          {manageable ? (
            <div className="member-role">
              <select
                className="field__control field__control--select member-role__select"
                aria-label={`Role of ${member.name}`}
                value={proposedRole ?? member.role}
                disabled={change.isPending}
                onChange={(event) => void propose(event.target.value as WorkspaceRole)}
              >
                {assignableRoles(actorRole).map((role) => (
                  <option key={role} value={role}>
                    {roleLabels[role]}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <span className={`badge role-badge role-badge--${member.role}`}>{roleLabels[member.role]}</span>
          )}
        </td>
        <td className="member-table__joined">
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
