import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { profileSchema, type Profile } from '#shared/contracts/session.ts';
import { apiRequest } from '../../api/api-client.ts';
import { workspaceKeys } from './workspace-keys.ts';

/** GET /api/me: the signed-in person's profile, read here for their memberships (oldest first). */
export function fetchProfile(signal?: AbortSignal): Promise<Profile> {
  return apiRequest('/api/me', { schema: profileSchema, signal });
}

export const membershipsQueryOptions = queryOptions({
  queryKey: workspaceKeys.memberships(),
  queryFn: ({ signal }) => fetchProfile(signal),
});

export function useMemberships(): Profile['memberships'] {
  return useSuspenseQuery(membershipsQueryOptions).data.memberships;
}
