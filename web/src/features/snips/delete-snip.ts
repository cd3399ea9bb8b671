import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { SnipPage } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { removeQueriesOnceUnobserved } from '../../app/query-client.ts';
import { snipDeletedState } from './snip-deleted-notice.tsx';
import { snipKeys } from './snip-keys.ts';

/** DELETE /api/snips/:id: 204. */
export function deleteSnip(id: string): Promise<void> {
  return apiRequest(`/api/snips/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Deletes the snip, then leaves its page for the list, which confirms it ("Snip deleted."). */
export function useDeleteSnip(id: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => deleteSnip(id),
    onSuccess: async () => {
      // With the page that showed it, not before.
      removeQueriesOnceUnobserved(queryClient, snipKeys.detail(id));
      // Drop the row from cached lists now (no flash of a deleted snip), then confirm with the server.
      queryClient.setQueriesData<InfiniteData<SnipPage, string | null>>({ queryKey: snipKeys.lists() }, (data) =>
        data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== id) })) },
      );
      void queryClient.invalidateQueries({ queryKey: snipKeys.lists(), refetchType: 'all' });
      void queryClient.invalidateQueries({ queryKey: snipKeys.publicSnips() });
      await navigate('/snips', { replace: true, state: snipDeletedState });
    },
  });
}
