import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MemberList } from '#shared/contracts/workspaces.ts';
import { apiRequest } from '../../api/api-client.ts';
import { membersPath } from './list-members.ts';
import { workspaceKeys } from './workspace-keys.ts';

/** DELETE /api/workspaces/:id/members/:userId: 204; 409 last_owner, 403 forbidden. */
export function deleteMember(workspaceId: string, userId: string): Promise<void> {
  return apiRequest(`${membersPath(workspaceId)}/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

export function useRemoveMember(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => deleteMember(workspaceId, userId),
    onSuccess: async (_, userId) => {
      // Drop the row at once (no flash of someone who is gone), then confirm with the server.
      queryClient.setQueryData<MemberList>(workspaceKeys.memberList(workspaceId), (list) =>
        list && { members: list.members.filter((member) => member.userId !== userId) },
      );
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.memberList(workspaceId) });
    },
  });
}
