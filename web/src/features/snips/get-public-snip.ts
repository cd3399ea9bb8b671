import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { publicSnipSchema, type PublicSnip } from '#shared/contracts/snips.ts';
import { apiRequest } from '../../api/api-client.ts';
import { snipKeys } from './snip-keys.ts';

/** GET /api/public/snips/:slug: readable signed out; 404 not_found when the link is unknown or was revoked. */
export function fetchPublicSnip(slug: string, signal?: AbortSignal): Promise<PublicSnip> {
  return apiRequest(`/api/public/snips/${encodeURIComponent(slug)}`, { schema: publicSnipSchema, signal });
}

export function publicSnipQueryOptions(slug: string) {
  return queryOptions({
    queryKey: snipKeys.publicSnip(slug),
    queryFn: ({ signal }) => fetchPublicSnip(slug, signal),
  });
}

export function usePublicSnip(slug: string): PublicSnip {
  return useSuspenseQuery(publicSnipQueryOptions(slug)).data;
}
