import { useMutation, useQueryClient } from '@tanstack/react-query';
import { snipSchema, type Snip, type UpdateSnipBody } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

/** PATCH /api/snips/:id: `version` is the one the editor loaded; 409 version_conflict if someone saved since. */
export function patchSnip(id: string, body: UpdateSnipBody): Promise<Snip> {
  return apiRequest(`/api/snips/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: snipSchema });
}

export function useUpdateSnip(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSnipBody) => patchSnip(id, body),
    onSuccess: async (snip) => {
      queryClient.setQueryData(snipKeys.detail(snip.id), snip);
      // A change of visibility may have revoked or replaced the public link.
      void queryClient.invalidateQueries({ queryKey: snipKeys.publicSnips() });
      await queryClient.invalidateQueries({ queryKey: snipKeys.lists(), refetchType: 'all' });
    },
  });
}
