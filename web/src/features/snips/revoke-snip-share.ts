import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.ts';
import { sharesPath, snipSharesQueryOptions } from './list-snip-shares.ts';

/** DELETE /api/snips/:id/shares/:userId: 204; 403 unless the snip's author or the sharer; 404 if it is gone. */
export function deleteSnipShare(snipId: string, userId: string): Promise<void> {
  return apiRequest(`${sharesPath(snipId)}/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

export function useRevokeSnipShare(snipId: string) {
  const queryClient = useQueryClient();
  const { queryKey } = snipSharesQueryOptions(snipId);
  return useMutation({
    mutationFn: (userId: string) => deleteSnipShare(snipId, userId),
    onSuccess: async (_, userId) => {
      // Drop the row at once (no flash of a share that is gone), then confirm with the server.
      queryClient.setQueryData(queryKey, (list) => list && { shares: list.shares.filter((share) => share.userId !== userId) });
      await queryClient.invalidateQueries({ queryKey });
    },
  });
}
