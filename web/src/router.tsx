import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, redirect } from 'react-router';
import { FlagsProvider, flagsLoader } from './app/flags-provider.tsx';
import { NotFoundPage } from './app/not-found-page.tsx';
import { PlaceKeeping } from './app/place-keeping.tsx';
import { RootErrorBoundary, RouteErrorBoundary } from './app/route-error.tsx';
import { WorkspaceLayout, workspaceLoader } from './app/workspace-layout.tsx';
import { defaultLandingPath, requireUser } from './features/auth/sign-in-redirect.ts';
import { LoadingState } from './ui/loading-state.tsx';

/**
 * Pages load lazily; each page module exports its component and a loader factory. Loaders fill the
 * react-query cache (`ensureQueryData`) and the components read the same query options from it.
 */
export function createRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    {
      id: 'root',
      loader: flagsLoader(queryClient),
      // On every navigation, not only the first: whose flags they are changes with a sign-in or a workspace switch.
      shouldRevalidate: () => true,
      Component: AppRoot,
      HydrateFallback: () => <LoadingState />,
      ErrorBoundary: RootErrorBoundary,
      children: [
        {
          path: '/sign-in',
          lazy: async () => {
            const page = await import('./features/auth/sign-in-page.tsx');
            return { loader: page.signInLoader(queryClient), Component: page.SignInPage };
          },
        },
        {
          // Outside the workspace: a public link opens signed out, in a frame of its own.
          path: '/s/:slug',
          lazy: async () => {
            const page = await import('./features/snips/public-snip-page.tsx');
            return { loader: page.publicSnipLoader(queryClient), Component: page.PublicSnipPage, ErrorBoundary: page.PublicSnipError };
          },
        },
        {
          path: '/',
          loader: workspaceLoader(queryClient),
          Component: WorkspaceLayout,
          children: [
            {
              // Pathless: errors of any page render inside the layout, under the header.
              ErrorBoundary: RouteErrorBoundary,
              children: [
                {
                  index: true,
                  // Loaders run side by side: without waiting for the guard, `/` would send a signed-out visitor
                  // to the sign-in page by way of /snips, with a return address they never asked for.
                  loader: async ({ request }) => {
                    await requireUser(queryClient, request);
                    return redirect(defaultLandingPath);
                  },
                },
                {
                  path: 'snips',
                  lazy: async () => {
                    const page = await import('./features/snips/snip-list-page.tsx');
                    return { loader: page.snipListLoader(queryClient), Component: page.SnipListPage };
                  },
                },
                {
                  path: 'snips/new',
                  lazy: async () => {
                    const page = await import('./features/snips/new-snip-page.tsx');
                    return { loader: page.newSnipLoader(queryClient), Component: page.NewSnipPage };
                  },
                },
                {
                  path: 'snips/:id',
                  lazy: async () => {
                    const page = await import('./features/snips/snip-page.tsx');
                    return { loader: page.snipLoader(queryClient), Component: page.SnipPage };
                  },
                },
                {
                  path: 'snips/:id/edit',
                  lazy: async () => {
                    const page = await import('./features/snips/edit-snip-page.tsx');
                    return { loader: page.editSnipLoader(queryClient), Component: page.EditSnipPage };
                  },
                },
                {
                  path: 'jobs',
                  lazy: async () => {
                    const page = await import('./features/jobs/jobs-page.tsx');
                    return { loader: page.jobsLoader(queryClient), Component: page.JobsPage };
                  },
                },
                {
                  path: 'jobs/:id',
                  lazy: async () => {
                    const page = await import('./features/jobs/job-page.tsx');
                    return { loader: page.jobLoader(queryClient), Component: page.JobPage };
                  },
                },
                {
                  // The dev panel: each client flag's value, why, and what waits for the next navigation.
                  path: 'dev/flags',
                  lazy: async () => {
                    const page = await import('./features/flags/dev-flags-page.tsx');
                    return { loader: page.devFlagsLoader(queryClient), Component: page.DevFlagsPage };
                  },
                },
                {
                  path: 'members',
                  lazy: async () => {
                    const page = await import('./features/workspaces/members-page.tsx');
                    return { loader: page.membersLoader(queryClient), Component: page.MembersPage };
                  },
                },
                {
                  path: 'admin/flags',
                  lazy: async () => {
                    const page = await import('./features/flags-console/flag-list-page.tsx');
                    return { loader: page.flagListLoader(queryClient), Component: page.FlagListPage };
                  },
                },
                {
                  path: 'admin/flags/:key',
                  lazy: async () => {
                    const page = await import('./features/flags-console/flag-page.tsx');
                    return { loader: page.flagLoader(queryClient), Component: page.FlagPage };
                  },
                },
                { path: '*', Component: NotFoundPage },
              ],
            },
          ],
        },
      ],
    },
  ]);
}

/** Flags above every page, inside the router: they follow its navigations (app/flags-provider.tsx). */
function AppRoot() {
  return (
    <FlagsProvider>
      <PlaceKeeping />
    </FlagsProvider>
  );
}
