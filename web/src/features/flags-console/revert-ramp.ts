import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { revertRampBodySchema } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { isApiError } from '../../api/api-error.ts';
import { adminFlagPath, refreshFlag } from './flag-console-keys.ts';

type RevertRampBody = z.infer<typeof revertRampBodySchema>;

/**
 * POST /api/admin/flags/:key/ramps/:rampId/revert: the targeting goes back to what it was before the ramp began, at
 * the version the page read (anyone else's change since: 409 flag_changed, never reverted over unseen).
 */
export function postRevertRamp(key: string, rampId: string, body: RevertRampBody): Promise<void> {
  return apiRequest(`${adminFlagPath(key)}/ramps/${encodeURIComponent(rampId)}/revert`, { method: 'POST', body });
}

export function useRevertRamp(key: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rampId, ...body }: RevertRampBody & { rampId: string }) => postRevertRamp(key, rampId, body),
    onSuccess: () => refreshFlag(queryClient, key),
    // Someone else's change came first: the page reads it, so a second try starts from what is there now.
    onError: (error) => (isApiError(error, 'flag_changed') ? refreshFlag(queryClient, key) : undefined),
  });
}
