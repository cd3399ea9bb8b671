import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { data, isRouteErrorResponse, useLocation, useParams, useRevalidator, useRouteError, type LoaderFunctionArgs } from 'react-router';
import { publicSnipParamsSchema } from '#shared/contracts/snips.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button, ButtonLink } from '../../ui/button.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { signInHref } from '../auth/sign-in-redirect.ts';
import { CodeBlock } from './code-block.tsx';
import { publicSnipQueryOptions, usePublicSnip } from './get-public-snip.ts';
import { languageLabels } from './snip-labels.ts';
import { SnipTags } from './snip-meta.tsx';
import './snips.css';
import './public-snip.css';

/** `/s/:slug`, outside the workspace: no sign-in needed. A slug that cannot be one is a 404 without a request. */
export function publicSnipLoader(queryClient: QueryClient) {
  return async ({ params }: LoaderFunctionArgs) => {
    const parsed = publicSnipParamsSchema.safeParse(params);
    if (!parsed.success) throw data('Not found', { status: 404 });
    // The session (it works signed out) only decides between "Sign in" and "Open Snipdesk" in the header.
    await Promise.all([
      queryClient.ensureQueryData(publicSnipQueryOptions(parsed.data.slug)),
      queryClient.ensureQueryData(sessionQueryOptions),
    ]);
    return null;
  };
}

export function PublicSnipPage() {
  const slug = useParams().slug ?? '';
  const snip = usePublicSnip(slug);

  return (
    <PublicFrame>
      <title>{`${snip.title} · Snipdesk`}</title>
      <article className="public-snip">
        <p className="public-snip__source">
          Shared from <strong>{snip.workspaceName}</strong> on Snipdesk
        </p>
        <h1 className="public-snip__title">{snip.title}</h1>
        <p className="snip-meta">
          <span className="badge">{languageLabels[snip.language]}</span>
          <span className="snip-meta__by">
            by {snip.authorName} · updated <RelativeTime iso={snip.updatedAt} />
          </span>
        </p>
        <SnipTags tags={snip.tags} />
        <CodeBlock body={snip.body} language={snip.language} />
      </article>
    </PublicFrame>
  );
}

function isNotFound(error: unknown): boolean {
  return (isRouteErrorResponse(error) && error.status === 404) || (isApiError(error) && error.status === 404);
}

/** A link that was never shared and one that was revoked look the same: the API says 404 for both. */
export function PublicSnipError() {
  const error = useRouteError();
  const revalidator = useRevalidator();

  if (isNotFound(error)) {
    return (
      <PublicFrame>
        <title>Link not found · Snipdesk</title>
        <section className="public-snip public-snip--missing">
          <p className="public-snip__eyebrow">404</p>
          <h1>This link does not exist or is no longer shared</h1>
          <p>Whoever shared it may have made the snip private, or the address may be incomplete. Ask them for a new link.</p>
        </section>
      </PublicFrame>
    );
  }
  return (
    <PublicFrame>
      <title>Error · Snipdesk</title>
      <section className="public-snip public-snip--missing">
        <h1>This snip could not be loaded</h1>
        <Banner tone="error">{describeError(error)}</Banner>
        <Button variant="primary" onClick={() => void revalidator.revalidate()} pending={revalidator.state === 'loading'}>
          Try again
        </Button>
      </section>
    </PublicFrame>
  );
}

/** The standalone frame of a public page: the brand, and a way into the app that fits who is looking. */
function PublicFrame({ children }: { children: ReactNode }) {
  // Not suspending: the error page uses this frame too, whether or not the session could be read.
  const { data: session } = useQuery(sessionQueryOptions);
  const { pathname } = useLocation();

  return (
    <div className="public-frame">
      <header className="public-frame__header">
        <div className="public-frame__inner">
          <span className="brand">Snipdesk</span>
          {session?.user ? (
            <ButtonLink to="/snips">Open Snipdesk</ButtonLink>
          ) : (
            session && (
              <ButtonLink to={signInHref(pathname)} variant="primary">
                Sign in
              </ButtonLink>
            )
          )}
        </div>
      </header>
      <main className="public-frame__main">{children}</main>
      <footer className="public-frame__footer">Snipdesk · a team workspace for code and text snippets</footer>
    </div>
  );
}
