import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath, refreshFlag } from './flag-console-keys.ts';

/** POST /api/admin/flags/:key/ramps/:rampId/cancel: the steps not yet applied are dropped; the applied ones stay. */
export function postCancelRamp(key: string, rampId: string, reason: string): Promise<void> {
  return apiRequest(`${adminFlagPath(key)}/ramps/${encodeURIComponent(rampId)}/cancel`, { method: 'POST', body: { reason } });
}

export function useCancelRamp(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rampId, reason }: { rampId: string; reason: string }) => postCancelRamp(key, rampId, reason),
    onSuccess: () => refreshFlag(queryClient, key),
  });
}
