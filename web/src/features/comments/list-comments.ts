import { queryOptions, useQuery } from '@tanstack/react-query';
import { commentListSchema, type CommentList } from '#shared/contracts/comments.ts';
import { apiRequest } from '../../api/api-client.ts';
import { commentKeys } from './comment-keys.ts';

export const commentsPath = (snipId: string) => `/api/snips/${encodeURIComponent(snipId)}/comments`;

/** GET /api/snips/:id/comments: oldest first (the newest `commentLimits.pageMax`); 404 when the snip is not visible. */
export function fetchComments(snipId: string, signal?: AbortSignal): Promise<CommentList> {
  return apiRequest(commentsPath(snipId), { schema: commentListSchema, signal });
}

export function commentListQueryOptions(snipId: string) {
  return queryOptions({
    queryKey: commentKeys.list(snipId),
    queryFn: ({ signal }) => fetchComments(snipId, signal),
  });
}

/**
 * Not a suspense query: the snip is what the page is for, so its comments load beside it (the loader prefetches
 * them) instead of holding the whole page back, and a failure here stays in the comments section.
 */
export function useComments(snipId: string) {
  return useQuery(commentListQueryOptions(snipId));
}
