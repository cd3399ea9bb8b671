import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import { memberSchema, type Member } from '#shared/contracts/workspaces.ts';
import { apiRequest } from '../../api/api-client.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { membersPath } from './list-members.ts';
import { workspaceKeys } from './workspace-keys.ts';

/**
 * PATCH /api/workspaces/:id/members/:userId: 200 with the member; 409 last_owner when no owner would be left,
 * 403 forbidden when the actor may not make this change (only owners make or unmake owners).
 */
export function patchMemberRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<Member> {
  return apiRequest(`${membersPath(workspaceId)}/${encodeURIComponent(userId)}`, {
    method: 'PATCH',
    body: { role },
    schema: memberSchema,
  });
}

export function useChangeMemberRole(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: WorkspaceRole }) => patchMemberRole(workspaceId, userId, role),
    onSuccess: async (member) => {
      // The session carries the signed-in person's role: after changing their own, read it again.
      const session = queryClient.getQueryData(sessionQueryOptions.queryKey);
      if (session?.user?.id === member.userId) await queryClient.invalidateQueries({ queryKey: sessionQueryOptions.queryKey });
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.memberList(workspaceId) });
    },
  });
}
