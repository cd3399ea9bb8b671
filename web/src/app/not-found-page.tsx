import { ButtonLink } from '../ui/button.tsx';

export function NotFoundPage() {
  return (
    <section className="page page--centered">
      <title>Not found · Snipdesk</title>
      <p className="page__eyebrow">404</p>
      <h1>Page not found</h1>
      <p>This page does not exist, or you do not have access to it.</p>
      <ButtonLink to="/snips" variant="primary">
        Back to snips
      </ButtonLink>
    </section>
  );
}
