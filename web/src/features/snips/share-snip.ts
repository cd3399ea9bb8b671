import { useMutation, useQueryClient } from '@tanstack/react-query';
import { snipShareSchema, type ShareSnipBody, type SnipShare } from '#shared/contracts/snip-shares.ts';
import { apiRequest } from '../../api/api-client.ts';
import { sharesPath, snipSharesQueryOptions } from './list-snip-shares.ts';

/**
 * POST /api/snips/:id/shares: 201 with the new share (the recipient is notified), or 200 with the share as it was
 * when the snip was shared with them already. 400/422 invalid_request with the issue on `userId` for oneself or
 * someone outside the workspace; 403 forbidden for those who may not share it.
 */
export function postSnipShare(snipId: string, body: ShareSnipBody): Promise<SnipShare> {
  return apiRequest(sharesPath(snipId), { method: 'POST', body, schema: snipShareSchema });
}

export function useShareSnip(snipId: string) {
  const queryClient = useQueryClient();
  const { queryKey } = snipSharesQueryOptions(snipId);
  return useMutation({
    mutationFn: (body: ShareSnipBody) => postSnipShare(snipId, body),
    onSuccess: async (share) => {
      // Listed at once from the answer, then confirmed with the server (someone else may have shared it too).
      queryClient.setQueryData(queryKey, (list) =>
        list && !list.shares.some((known) => known.userId === share.userId) ? { shares: [...list.shares, share] } : list,
      );
      await queryClient.invalidateQueries({ queryKey });
    },
  });
}
