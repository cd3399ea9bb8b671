import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { adminFlagListSchema, type AdminFlag } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { flagConsoleKeys } from './flag-console-keys.ts';

/** GET /api/admin/flags: every flag with its targeting and reach; 404 for anyone who is neither a PM nor an owner. */
export function fetchAdminFlags(signal?: AbortSignal): Promise<{ flags: AdminFlag[] }> {
  return apiRequest('/api/admin/flags', { schema: adminFlagListSchema, signal });
}

export const adminFlagListQueryOptions = queryOptions({
  queryKey: flagConsoleKeys.list(),
  queryFn: ({ signal }) => fetchAdminFlags(signal),
});

export function useAdminFlags(): AdminFlag[] {
  return useSuspenseQuery(adminFlagListQueryOptions).data.flags;
}
