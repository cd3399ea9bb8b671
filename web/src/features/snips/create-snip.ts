import { useMutation, useQueryClient } from '@tanstack/react-query';
import { snipSchema, type CreateSnipBody, type Snip } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

/** POST /api/snips: 201 with the stored snip; 400 invalid_request names the bad fields. */
export function postSnip(body: CreateSnipBody): Promise<Snip> {
  return apiRequest('/api/snips', { method: 'POST', body, schema: snipSchema });
}

export function useCreateSnip() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: postSnip,
    onSuccess: async (snip) => {
      queryClient.setQueryData(snipKeys.detail(snip.id), snip);
      // Refetch lists even while no list is on screen, so the next visit shows the new snip at once.
      await queryClient.invalidateQueries({ queryKey: snipKeys.lists(), refetchType: 'all' });
    },
  });
}
