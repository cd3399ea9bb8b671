import { QueryClient } from '@tanstack/react-query';
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
