import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { UpdateFlagBody } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath, refreshFlag } from './flag-console-keys.ts';

/**
 * PATCH /api/admin/flags/:key: the whole new targeting, at the version it was read. 409 flag_changed when someone
 * changed the flag since; 400 invalid_targeting with the rules that do not fit the declared type; 403 when an owner
 * touches a rule that is not their workspace's.
 */
export function patchFlag(key: string, body: UpdateFlagBody): Promise<void> {
  return apiRequest(adminFlagPath(key), { method: 'PATCH', body });
}

/** Saves, then reads the flag, its audit log and the list again: the mutation settles once they are fresh. */
export function useUpdateFlag(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateFlagBody) => patchFlag(key, body),
    onSuccess: () => refreshFlag(queryClient, key),
  });
}
