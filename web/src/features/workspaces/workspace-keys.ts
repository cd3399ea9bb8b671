/**
 * Query keys of the workspaces feature. Not under `authKeys`: signing in and out drops everything outside
 * `authKeys.all`, and which workspaces someone belongs to must not outlive their session in the tab.
 */
export const workspaceKeys = {
  all: ['workspaces'] as const,
  /** The signed-in person's memberships (GET /api/me): the workspaces they can switch to. */
  memberships: () => [...workspaceKeys.all, 'memberships'] as const,
  /** Member lists; invalidate after any change to a membership. */
  members: () => [...workspaceKeys.all, 'members'] as const,
  memberList: (workspaceId: string) => [...workspaceKeys.members(), workspaceId] as const,
  /** The mutation that makes another workspace current: pages of the old one stop following it meanwhile. */
  switching: () => [...workspaceKeys.all, 'switch'] as const,
};
