import type { QueryClient } from '@tanstack/react-query';
import type { createBrowserRouter } from 'react-router';
import { configureApiClient } from '../api/api-client.ts';
import { markSignedOut, sessionQueryOptions } from '../features/auth/get-session.ts';
import { signInHref } from '../features/auth/sign-in-redirect.ts';

type Router = ReturnType<typeof createBrowserRouter>;

/**
 * Connects the fetch client to the session: CSRF tokens come from the session query, and every 401 lands here.
 * For now a 401 signs the tab out and goes to the sign-in page, coming back afterwards; the client shell will
 * replace this one function with an in-page "session expired" banner that keeps forms and pending work.
 */
export function connectApiToSession(queryClient: QueryClient, router: Router): void {
  configureApiClient({
    async csrfToken({ refresh }) {
      const session = refresh
        ? await queryClient.fetchQuery({ ...sessionQueryOptions, staleTime: 0 })
        : await queryClient.ensureQueryData(sessionQueryOptions);
      return session.csrfToken;
    },
    onUnauthorized() {
      markSignedOut(queryClient);
      // While a navigation is loading, the page the person asked for is the one to come back to.
      const { location, navigation } = router.state;
      const target = navigation.location ?? location;
      if (target.pathname === '/sign-in') return;
      void router.navigate(signInHref(target.pathname + target.search), { replace: true });
    },
  });
}
