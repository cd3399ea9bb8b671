import { infiniteQueryOptions, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { snipLimits, snipPageSchema, type SnipPage } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

/** GET /api/snips: one page of the current workspace's snips, newest first. */
export function fetchSnipPage(params: { limit: number; cursor: string | null; signal?: AbortSignal }): Promise<SnipPage> {
  return apiRequest('/api/snips', {
    query: { limit: params.limit, cursor: params.cursor },
    schema: snipPageSchema,
    signal: params.signal,
  });
}

export function snipListQueryOptions(limit: number = snipLimits.pageSizeDefault) {
  return infiniteQueryOptions({
    queryKey: snipKeys.list({ limit }),
    queryFn: ({ pageParam, signal }) => fetchSnipPage({ limit, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useSnipList() {
  return useSuspenseInfiniteQuery(snipListQueryOptions());
}
