import { infiniteQueryOptions, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { snipPageSchema, type SnipPage } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import type { SnipFilters } from './snip-filters.ts';
import { snipKeys } from './snip-keys.ts';

/** GET /api/snips: one page of the current workspace's snips that match the filters, newest first. */
export function fetchSnipPage(params: {
  limit: number;
  cursor: string | null;
  filters?: SnipFilters;
  signal?: AbortSignal;
}): Promise<SnipPage> {
  return apiRequest('/api/snips', {
    query: { limit: params.limit, cursor: params.cursor, ...params.filters },
    schema: snipPageSchema,
    signal: params.signal,
  });
}

/** `limit`: the page size, the `snips-page-size` flag's value (the key carries it: each size keeps its own pages). */
export function snipListQueryOptions(filters: SnipFilters, limit: number) {
  return infiniteQueryOptions({
    queryKey: snipKeys.list({ limit, ...filters }),
    queryFn: ({ pageParam, signal }) => fetchSnipPage({ limit, cursor: pageParam, filters, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useSnipList(filters: SnipFilters, limit: number) {
  return useSuspenseInfiniteQuery(snipListQueryOptions(filters, limit));
}
