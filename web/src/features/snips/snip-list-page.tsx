import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef } from 'react';
import { Link, useSearchParams, type LoaderFunctionArgs } from 'react-router';
import type { SessionUser } from '#shared/contracts/session.ts';
import { describeError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button, ButtonLink } from '../../ui/button.tsx';
import { isFocusLost } from '../../ui/focus-lost.ts';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { loadFlag } from '../flags/get-flags.ts';
import { useFlag } from '../flags/use-flag.ts';
import { useStartExport } from '../jobs/start-export.ts';
import { memberListQueryOptions, useMembers } from '../workspaces/list-members.ts';
import { snipListQueryOptions, useSnipList } from './list-snips.ts';
import { SnipDeletedNotice } from './snip-deleted-notice.tsx';
import { useWorkspaceSnipsStream } from './workspace-stream.ts';
import { SnipFilterBar } from './snip-filter-bar.tsx';
import { hasSnipFilters, snipFiltersFrom, snipSearchParams } from './snip-filters.ts';
import { SnipMeta, SnipTags } from './snip-meta.tsx';
import { canCreateSnips } from './snip-permissions.ts';
import './snips.css';

export function snipListLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    const user = await requireUser(queryClient, request);
    const filters = snipFiltersFrom(new URL(request.url).searchParams);
    await Promise.all([
      loadFlag(queryClient, 'snips-page-size').then((pageSize) =>
        queryClient.ensureInfiniteQueryData(snipListQueryOptions(filters, pageSize)),
      ),
      // The author filter offers the workspace's members.
      queryClient.ensureQueryData(memberListQueryOptions(user.workspace.id)),
    ]);
    return null;
  };
}

export function SnipListPage() {
  // Null for a moment while signing out: the page is on its way out, and has nothing to ask the server for.
  const { user } = useSession();
  useWorkspaceSnipsStream(user?.workspace.id);
  if (!user) return null;
  return <SnipList user={user} />;
}

function SnipList({ user }: { user: SessionUser }) {
  const [searchParams, setSearchParams] = useSearchParams();
  // The address is the one source of the filters: reload, share, back and forward all just work.
  const filters = snipFiltersFrom(searchParams);
  const pageSize = useFlag('snips-page-size');
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage, error } = useSnipList(filters, pageSize);
  const members = useMembers(user.workspace.id);
  const snips = data.pages.flatMap((page) => page.items);
  const filtered = hasSnipFilters(filters);
  // Gated per workspace; POST /api/exports answers by the same flag.
  const exportsOn = useFlag('export-button');
  const startExport = useStartExport();
  const exportHintId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  // Where the page "Load more" asked for starts. Its first snip takes focus from the button, which is busy (so
  // disabled) while loading and gone after the last page: focus would drop to the document.
  const firstLoadedIndex = useRef<number | null>(null);
  const loadMoreRef = useRef<HTMLDivElement>(null);

  // Once the load has ended, however it ended: a page that came (focus its first snip), or one that failed or was
  // cancelled by a refetch of the list (nothing to focus, and nothing left pending for a later change of the list).
  useEffect(() => {
    if (isFetchingNextPage) return;
    const index = firstLoadedIndex.current;
    firstLoadedIndex.current = null;
    const stillWaiting = isFocusLost() || loadMoreRef.current?.contains(document.activeElement);
    if (index !== null && stillWaiting) listRef.current?.children[index]?.querySelector('a')?.focus();
  }, [isFetchingNextPage]);

  function loadMore() {
    firstLoadedIndex.current = snips.length;
    void fetchNextPage();
  }

  return (
    <section className="page">
      <title>{filters.q ? `“${filters.q}” · Snips · Snipdesk` : 'Snips · Snipdesk'}</title>
      <header className="page__header">
        <h1>Snips</h1>
        <div className="page__actions">
          {exportsOn && (
            <>
              {/* What the list shows is what the file holds: the filters in the address, without paging. */}
              <Button onClick={() => startExport.mutate({ filters })} pending={startExport.isPending} aria-describedby={exportHintId}>
                Export
              </Button>
              <span id={exportHintId} className="visually-hidden">
                {filtered ? 'Exports the snips these filters select to a file.' : 'Exports every snip listed here to a file.'}
              </span>
            </>
          )}
          {canCreateSnips(user) && (
            <ButtonLink to="/snips/new" variant="primary">
              New snip
            </ButtonLink>
          )}
        </div>
      </header>
      <SnipDeletedNotice />
      {startExport.error && (
        <Banner tone="error" title="Could not start the export.">
          {describeError(startExport.error)}
        </Banner>
      )}

      <SnipFilterBar
        filters={filters}
        authors={members.map((member) => ({ value: member.userId, label: member.name }))}
        onChange={(next, { replace }) => setSearchParams(snipSearchParams(next), { replace, preventScrollReset: true })}
      />

      {snips.length === 0 ? (
        filtered ? (
          <div className="empty-state">
            <p className="empty-state__title">No snips match</p>
            <p>Try other words, or fewer filters.</p>
          </div>
        ) : (
          <div className="empty-state">
            <p className="empty-state__title">No snips yet</p>
            <p>Snips you and your workspace write show up here, newest first.</p>
          </div>
        )
      ) : (
        <ul ref={listRef} className="snip-list" aria-label="Snips">
          {snips.map((snip) => (
            <li key={snip.id} className="snip-card">
              <h2 className="snip-card__title">
                <Link to={`/snips/${snip.id}`}>{snip.title}</Link>
              </h2>
              <SnipMeta snip={snip} />
              {snip.excerpt && <pre className="snip-card__excerpt">{snip.excerpt}</pre>}
              <SnipTags tags={snip.tags} />
            </li>
          ))}
        </ul>
      )}

      {/* A failed "load more" keeps the pages already shown; only the next page's error is reported. */}
      {error && <Banner tone="error">{describeError(error)}</Banner>}
      {hasNextPage && (
        <div ref={loadMoreRef} className="load-more">
          <Button onClick={loadMore} pending={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      )}
    </section>
  );
}
