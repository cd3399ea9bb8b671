import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { flagAuditSchema, type FlagAuditEntry } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath, flagConsoleKeys } from './flag-console-keys.ts';

/** GET /api/admin/flags/:key/audit: every change to the flag's targeting, newest first. */
export function fetchFlagAudit(key: string, signal?: AbortSignal): Promise<{ items: FlagAuditEntry[] }> {
  return apiRequest(`${adminFlagPath(key)}/audit`, { schema: flagAuditSchema, signal });
}

export function flagAuditQueryOptions(key: string) {
  return queryOptions({
    queryKey: flagConsoleKeys.audit(key),
    queryFn: ({ signal }) => fetchFlagAudit(key, signal),
  });
}

export function useFlagAudit(key: string): FlagAuditEntry[] {
  return useSuspenseQuery(flagAuditQueryOptions(key)).data.items;
}
