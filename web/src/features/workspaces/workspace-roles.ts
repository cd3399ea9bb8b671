import { workspaceRoles, type WorkspaceRole } from '#shared/contracts/session.ts';

export const roleLabels: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export const roleDescriptions: Record<WorkspaceRole, string> = {
  owner: 'Owner: everything, including owners',
  admin: 'Admin: any snip, and members',
  member: 'Member: writes their own snips',
  viewer: 'Viewer: reads only',
};

/**
 * Which membership controls to show the signed-in person. Only for hiding what they cannot use: the BFF decides
 * (owners and admins manage members; only owners make or unmake owners; a workspace keeps at least one owner).
 */
export function canManageMembers(role: WorkspaceRole): boolean {
  return role === 'owner' || role === 'admin';
}

/** The roles someone with `role` may give: owners any, admins any but owner, others none. */
export function assignableRoles(role: WorkspaceRole): WorkspaceRole[] {
  if (role === 'owner') return [...workspaceRoles];
  if (role === 'admin') return workspaceRoles.filter((candidate) => candidate !== 'owner');
  return [];
}

/** Whether someone with `role` may change or remove a member who has `memberRole`. */
export function canManageMember(role: WorkspaceRole, memberRole: WorkspaceRole): boolean {
  return canManageMembers(role) && (role === 'owner' || memberRole !== 'owner');
}

/** "an owner", "a viewer": a role in a sentence. */
export function roleInSentence(role: WorkspaceRole): string {
  const label = roleLabels[role].toLowerCase();
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}
