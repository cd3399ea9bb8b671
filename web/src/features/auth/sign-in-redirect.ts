import type { QueryClient } from '@tanstack/react-query';
import { redirect } from 'react-router';
import type { SessionUser } from '#shared/contracts/session.ts';
import { sessionQueryOptions } from './get-session.ts';

export const defaultLandingPath = '/snips';

/** Where the sign-in page sends someone who must sign in before seeing `returnTo` (a path with its search). */
export function signInHref(returnTo?: string): string {
  if (!returnTo || returnTo === '/' || returnTo.startsWith('/sign-in')) return '/sign-in';
  return `/sign-in?${new URLSearchParams({ returnTo })}`;
}

/** Only same-origin paths: `returnTo` comes from the address bar and must not become an open redirect. */
export function safeReturnTo(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return defaultLandingPath;
  return raw;
}

/**
 * Loader guard for every signed-in route: resolves the session from the cache (fetching it once) and
 * redirects signed-out visitors to the sign-in page, remembering where they were going.
 * Child loaders call it too, so no API request is made for someone who is not signed in.
 */
export async function requireUser(queryClient: QueryClient, request: Request): Promise<SessionUser> {
  const { user } = await queryClient.ensureQueryData(sessionQueryOptions);
  if (user) return user;
  const url = new URL(request.url);
  throw redirect(signInHref(url.pathname + url.search));
}
