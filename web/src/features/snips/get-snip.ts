import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { snipSchema, type Snip } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { isApiError } from '../../api/api-error.ts';
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

/**
 * Whether the snip, loaded before, answered 404 when read again: deleted, or no longer visible to this person
 * (a live update or a refocus reads it again). The query keeps the last version it loaded, so the page can say
 * what happened instead of pulling the text out from under the reader.
 */
export function useSnipGone(id: string): boolean {
  return isApiError(useSuspenseQuery(snipQueryOptions(id)).error, 'not_found');
}
