import type { QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { configureApiClient } from '../api/api-client.ts';
import { identifySessionUser } from '../api/session-gate.ts';
import { cachedSessionUser, markSignedOut, refreshSession, sessionQueryOptions } from '../features/auth/get-session.ts';
import { defaultLandingPath, signInHref } from '../features/auth/sign-in-redirect.ts';
import { connectSessionAcrossTabs } from './session-sync.ts';

type Router = ReturnType<typeof createBrowserRouter>;

/**
 * Connects the fetch client to the session: CSRF tokens come from the session query, and every 401 lands here.
 *
 * - 401 `session_expired`: handled by the fetch client and the session gate (api/session-gate.ts): the banner
 *   and the sign-in dialog (session-expiry.tsx) appear, requests are held, nothing on the page changes.
 * - 401 `unauthenticated` (there was no session at all): the tab is signed out and goes to the sign-in page,
 *   coming back to where it was afterwards.
 *
 * Also keeps the tabs in step about the session (session-sync.ts). Returns the function that disconnects.
 */
export function connectApiToSession(queryClient: QueryClient, router: Router): () => void {
  identifySessionUser(() => cachedSessionUser(queryClient)?.id ?? null);

  configureApiClient({
    async csrfToken({ refresh }) {
      const session = refresh ? await refreshSession(queryClient) : await queryClient.ensureQueryData(sessionQueryOptions);
      return session.csrfToken;
    },
    onUnauthorized(error) {
      if (error.code !== 'unauthenticated') return;
      markSignedOut(queryClient);
      // While a navigation is loading, the page the person asked for is the one to come back to.
      const { location, navigation } = router.state;
      const target = navigation.location ?? location;
      if (target.pathname === '/sign-in') return;
      void router.navigate(signInHref(target.pathname + target.search), { replace: true });
    },
  });

  return connectSessionAcrossTabs(queryClient, {
    async leaveForSignIn() {
      if (router.state.location.pathname !== '/sign-in') await router.navigate('/sign-in', { replace: true });
    },
    startOver() {
      window.location.assign(defaultLandingPath);
    },
    revalidate() {
      void router.revalidate();
    },
  });
}
