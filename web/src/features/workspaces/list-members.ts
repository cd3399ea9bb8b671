import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { memberListSchema, type Member, type MemberList } from '#shared/contracts/workspaces.ts';
import { apiRequest } from '../../api/api-client.ts';
import { workspaceKeys } from './workspace-keys.ts';

export function membersPath(workspaceId: string): string {
  return `/api/workspaces/${encodeURIComponent(workspaceId)}/members`;
}

/** GET /api/workspaces/:id/members: the current workspace's members, owners first; 404 for any other workspace. */
export function fetchMemberList(workspaceId: string, signal?: AbortSignal): Promise<MemberList> {
  return apiRequest(membersPath(workspaceId), { schema: memberListSchema, signal });
}

export function memberListQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: workspaceKeys.memberList(workspaceId),
    queryFn: ({ signal }) => fetchMemberList(workspaceId, signal),
  });
}

export function useMembers(workspaceId: string): Member[] {
  return useSuspenseQuery(memberListQueryOptions(workspaceId)).data.members;
}
