import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memberSchema, type AddMemberBody, type Member } from '#shared/contracts/workspaces.ts';
import { apiRequest } from '../../api/api-client.ts';
import { membersPath } from './list-members.ts';
import { workspaceKeys } from './workspace-keys.ts';

/**
 * POST /api/workspaces/:id/members: 201 with the new member; 404 when no account has that email,
 * 409 already_member, 403 forbidden for anyone but owners and admins (and for admins adding an owner).
 */
export function postMember(workspaceId: string, body: AddMemberBody): Promise<Member> {
  return apiRequest(membersPath(workspaceId), { method: 'POST', body, schema: memberSchema });
}

export function useAddMember(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AddMemberBody) => postMember(workspaceId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workspaceKeys.memberList(workspaceId) }),
  });
}
