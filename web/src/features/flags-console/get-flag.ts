import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { adminFlagDetailSchema, type AdminFlagDetail } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath, flagConsoleKeys } from './flag-console-keys.ts';

/**
 * GET /api/admin/flags/:key: the flag, its ramps and the workspaces the reader may target; 404 for a key that was
 * never declared, and for anyone who may not use the console.
 */
export function fetchAdminFlag(key: string, signal?: AbortSignal): Promise<AdminFlagDetail> {
  return apiRequest(adminFlagPath(key), { schema: adminFlagDetailSchema, signal });
}

export function adminFlagQueryOptions(key: string) {
  return queryOptions({
    queryKey: flagConsoleKeys.detail(key),
    queryFn: ({ signal }) => fetchAdminFlag(key, signal),
  });
}

export function useAdminFlag(key: string): AdminFlagDetail {
  return useSuspenseQuery(adminFlagQueryOptions(key)).data;
}
