import type { QueryClient } from '@tanstack/react-query';
import { Link, type LoaderFunctionArgs } from 'react-router';
import { describeError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button, ButtonLink } from '../../ui/button.tsx';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { snipListQueryOptions, useSnipList } from './list-snips.ts';
import { SnipMeta, SnipTags } from './snip-meta.tsx';
import './snips.css';

export function snipListLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    await requireUser(queryClient, request);
    await queryClient.ensureInfiniteQueryData(snipListQueryOptions());
    return null;
  };
}

export function SnipListPage() {
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage, error } = useSnipList();
  const snips = data.pages.flatMap((page) => page.items);

  return (
    <section className="page">
      <title>Snips · Snipdesk</title>
      <header className="page__header">
        <h1>Snips</h1>
        <ButtonLink to="/snips/new" variant="primary">
          New snip
        </ButtonLink>
      </header>

      {snips.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state__title">No snips yet</p>
          <p>Snips you and your workspace write show up here, newest first.</p>
        </div>
      ) : (
        <ul className="snip-list" aria-label="Snips">
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
        <div className="load-more">
          <Button onClick={() => void fetchNextPage()} pending={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      )}
    </section>
  );
}
