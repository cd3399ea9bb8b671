import { useQueryClient } from '@tanstack/react-query';
import { commentLimits } from '#shared/contracts/comments.ts';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { commentListQueryOptions } from './list-comments.ts';

/**
 * Whether the stream's comment count says something the cached list does not show. The list holds at most the
 * newest `pageMax`, so past that the count cannot be compared and every state is treated as possibly new.
 */
export function commentsOutdated(cachedCount: number, streamCount: number): boolean {
  if (cachedCount >= commentLimits.pageMax) return true;
  return cachedCount !== streamCount;
}

/**
 * Keeps an open snip's comments current. The `snip:<id>` stream (followed by the snip page already; the
 * connection shares the one subscription) carries the comment count only: when it differs from the cached list,
 * the list is read again over HTTP, through the same scope as any read.
 */
export function useCommentStream(snipId: string): void {
  const queryClient = useQueryClient();
  useStream(streamName('snip', snipId), (message) => {
    if (message.type !== 'snapshot' && message.type !== 'update') return;
    const { state } = message;
    if (state.kind !== 'snip' || state.deleted) return;
    const { queryKey } = commentListQueryOptions(snipId);
    const cached = queryClient.getQueryData(queryKey);
    if (cached) {
      if (!commentsOutdated(cached.comments.length, state.comments)) return;
    } else if (queryClient.getQueryState(queryKey)?.fetchStatus !== 'fetching') {
      // Nothing loaded and nothing loading: nobody shows these comments, so there is nothing to refresh.
      return;
    }
    // A first load still under way may have read the list before this comment: invalidating restarts it.
    void queryClient.invalidateQueries({ queryKey, exact: true });
  });
}
