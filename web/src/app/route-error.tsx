import { isRouteErrorResponse, useRevalidator, useRouteError } from 'react-router';
import { describeError, isApiError } from '../api/api-error.ts';
import { Banner } from '../ui/banner.tsx';
import { Button, ButtonLink } from '../ui/button.tsx';
import { NotFoundPage } from './not-found-page.tsx';

function isNotFound(error: unknown): boolean {
  return (isRouteErrorResponse(error) && error.status === 404) || (isApiError(error) && error.status === 404);
}

/** Errors inside the workspace: the header stays, the page area explains. A snip that answers 404 is "not found". */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const revalidator = useRevalidator();
  if (isNotFound(error)) return <NotFoundPage />;
  return (
    <section className="page page--centered">
      <title>Error · Snipdesk</title>
      <h1>Something went wrong</h1>
      <Banner tone="error">{describeError(error)}</Banner>
      <div className="form-actions">
        <Button variant="primary" onClick={() => void revalidator.revalidate()} pending={revalidator.state === 'loading'}>
          Try again
        </Button>
        <ButtonLink to="/snips" variant="ghost">
          Back to snips
        </ButtonLink>
      </div>
    </section>
  );
}

/** Errors before any layout could render, e.g. the session could not be fetched at all. */
export function RootErrorBoundary() {
  const error = useRouteError();
  const revalidator = useRevalidator();
  if (isNotFound(error)) return <NotFoundPage />;
  return (
    <main className="screen-center">
      <div className="panel">
        <title>Error · Snipdesk</title>
        <h1>Snipdesk could not start</h1>
        <Banner tone="error">{describeError(error)}</Banner>
        <Button variant="primary" onClick={() => void revalidator.revalidate()} pending={revalidator.state === 'loading'}>
          Try again
        </Button>
      </div>
    </main>
  );
}
