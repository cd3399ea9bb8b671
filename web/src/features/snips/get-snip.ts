import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { snipSchema, type Snip } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

/** GET /api/snips/:id: 404 not_found when it does not exist or is not visible to the viewer. */
export function fetchSnip(id: string, signal?: AbortSignal): Promise<Snip> {
  return apiRequest(`/api/snips/${encodeURIComponent(id)}`, { schema: snipSchema, signal });
}

export function snipQueryOptions(id: string) {
  return queryOptions({
    queryKey: snipKeys.detail(id),
    queryFn: ({ signal }) => fetchSnip(id, signal),
  });
}

export function useSnip(id: string): Snip {
  return useSuspenseQuery(snipQueryOptions(id)).data;
}
