import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../api/api-error.ts';

/**
 * Retry only what a retry can fix: the network and a briefly unavailable server, never a 4xx.
 * An expired session never gets here: the fetch client holds those requests until the person signs in again
 * (api/api-client.ts), so queries pause instead of failing, retrying or refetching on focus.
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (!(error instanceof ApiError)) return false;
  return error.code === 'network_error' || error.status === 502 || error.status === 503 || error.status === 504;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry },
      mutations: { retry: false },
    },
  });
}

/**
 * Removes the cached queries under `queryKey` as soon as nothing on screen shows them: at once for those no
 * component observes, the others when their last observer goes. A page on its way out (after a delete, or a switch
 * of workspace) still renders for a moment, and a removed query it renders is read again from the server: a 404.
 */
export function removeQueriesOnceUnobserved(queryClient: QueryClient, queryKey: QueryKey): void {
  const cache = queryClient.getQueryCache();
  const observed = new Set(cache.findAll({ queryKey }).filter((query) => query.getObserversCount() > 0));
  queryClient.removeQueries({ queryKey, predicate: (query) => !observed.has(query) });
  if (observed.size === 0) return;
  const unsubscribe = cache.subscribe((event) => {
    if (event.type !== 'observerRemoved' || !observed.has(event.query) || event.query.getObserversCount() > 0) return;
    observed.delete(event.query);
    cache.remove(event.query);
    if (observed.size === 0) unsubscribe();
  });
}

