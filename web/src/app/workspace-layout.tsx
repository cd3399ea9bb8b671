import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link, NavLink, Outlet, type LoaderFunctionArgs } from 'react-router';
import { describeError } from '../api/api-error.ts';
import { useSession } from '../features/auth/get-session.ts';
import { requireUser } from '../features/auth/sign-in-redirect.ts';
import { useSignOut } from '../features/auth/sign-out.ts';
import { FlagsNavLink } from '../features/flags-console/flags-nav-link.tsx';
import { NotificationBell } from '../features/notifications/notification-bell.tsx';
import { membershipsQueryOptions } from '../features/workspaces/list-memberships.ts';
import { useSwitchWorkspace } from '../features/workspaces/switch-workspace.ts';
import { WorkspaceSwitcher } from '../features/workspaces/workspace-switcher.tsx';
import { Banner } from '../ui/banner.tsx';
import { Button } from '../ui/button.tsx';
import { LoadingState } from '../ui/loading-state.tsx';
import { PageProgress } from '../ui/page-progress.tsx';
import { RealtimeStatusIndicator } from './realtime-status.tsx';
import './app-shell.css';
import './skip-link.css';

export function workspaceLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    await requireUser(queryClient, request);
    // The header's workspace switcher lists the person's workspaces; its Flags link shows to the owner of any.
    await queryClient.ensureQueryData(membershipsQueryOptions);
    return null;
  };
}

export function WorkspaceLayout() {
  // May turn null while this is still on screen (signing out, a 401): the guard then takes over on navigation.
  const { user } = useSession();
  const signOut = useSignOut();
  const switchWorkspace = useSwitchWorkspace();

  return (
    <div className="app-shell">
      {/* The first stop of Tab: past the header's links and buttons to the page. Focused by script, not followed:
          "#main" in the address would be a navigation of its own, and a history entry for Back to stop at. */}
      <a
        href="#main"
        className="skip-link"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <PageProgress />
      <header className="app-header">
        <div className="app-header__inner">
          <div className="app-header__start">
            <Link to="/snips" className="brand">
              Snipdesk
            </Link>
            {user && (
              <Suspense fallback={<span className="workspace-name">{user.workspace.name}</span>}>
                <WorkspaceSwitcher
                  user={user}
                  onSwitch={(workspaceId) => switchWorkspace.mutate(workspaceId)}
                  pendingWorkspaceId={switchWorkspace.isPending ? switchWorkspace.variables : undefined}
                />
              </Suspense>
            )}
            <nav aria-label="Main" className="app-nav">
              <NavLink to="/snips" end className="app-nav__link">
                Snips
              </NavLink>
              <NavLink to="/members" end className="app-nav__link">
                Members
              </NavLink>
              {/* Not `end`: a job's page (/jobs/:id) belongs to the exports too. */}
              <NavLink to="/jobs" className="app-nav__link">
                Exports
              </NavLink>
              {user && (
                <Suspense fallback={null}>
                  <FlagsNavLink user={user} />
                </Suspense>
              )}
            </nav>
          </div>
          {user && (
            <div className="app-header__end">
              <RealtimeStatusIndicator />
              <NotificationBell key={user.id} userId={user.id} />
              <div className="user-badge">
                <span className="user-badge__avatar" aria-hidden="true">
                  {(user.name || user.email).charAt(0).toUpperCase()}
                </span>
                <span className="user-badge__text">
                  <span className="user-badge__name">{user.name}</span>
                  <span className="user-badge__email">{user.email}</span>
                </span>
              </div>
              <Button variant="ghost" onClick={() => signOut.mutate()} pending={signOut.isPending}>
                Sign out
              </Button>
            </div>
          )}
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {signOut.error && <Banner tone="error">{describeError(signOut.error)}</Banner>}
        {switchWorkspace.error && (
          <Banner tone="error" title="Could not switch workspaces.">
            {describeError(switchWorkspace.error)}
          </Banner>
        )}
        <Suspense fallback={<LoadingState />}>
          {/* Signed out (here, in another tab, a 401): the page goes at once, before the sign-in page arrives, so
              nothing on it reads its data again (a 401) while that person's data is dropped from the cache. */}
          {user && <Outlet />}
        </Suspense>
      </main>
    </div>
  );
}
