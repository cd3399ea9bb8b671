import { queryOptions, useQuery } from '@tanstack/react-query';
import { snipShareListSchema, type SnipShareList } from '#shared/contracts/snip-shares.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

export function sharesPath(snipId: string): string {
  return `/api/snips/${encodeURIComponent(snipId)}/shares`;
}

/** GET /api/snips/:id/shares: who the snip is shared with, oldest first; 403 for those who may not share it. */
export function fetchSnipShares(snipId: string, signal?: AbortSignal): Promise<SnipShareList> {
  return apiRequest(sharesPath(snipId), { schema: snipShareListSchema, signal });
}

export function snipSharesQueryOptions(snipId: string) {
  return queryOptions({
    queryKey: snipKeys.shares(snipId),
    queryFn: ({ signal }) => fetchSnipShares(snipId, signal),
  });
}

/** Not suspending: the snip shows at once, its sharing panel when the list is there. */
export function useSnipShares(snipId: string) {
  return useQuery(snipSharesQueryOptions(snipId));
}
