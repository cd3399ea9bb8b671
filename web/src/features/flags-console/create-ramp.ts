import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateRampBody } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { isApiError } from '../../api/api-error.ts';
import { adminFlagPath, refreshFlag } from './flag-console-keys.ts';

/**
 * POST /api/admin/flags/:key/ramps: rollout percentages at times, applied by a job at each time (a step due now at
 * once). Product managers only; 409 flag_changed when the flag changed since `version` was read.
 */
export function postRamp(key: string, body: CreateRampBody): Promise<void> {
  return apiRequest(`${adminFlagPath(key)}/ramps`, { method: 'POST', body });
}

export function useCreateRamp(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRampBody) => postRamp(key, body),
    onSuccess: () => refreshFlag(queryClient, key),
    // Someone else's change came first: the page reads it, so a second try starts from what is there now.
    onError: (error) => (isApiError(error, 'flag_changed') ? refreshFlag(queryClient, key) : undefined),
  });
}
