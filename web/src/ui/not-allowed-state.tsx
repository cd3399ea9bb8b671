import type { ReactNode } from 'react';
import { ButtonLink } from './button.tsx';

export interface NotAllowedStateProps {
  title: string;
  children: ReactNode;
  backTo: string;
  backLabel: string;
}

/** What a page shows instead of a control the signed-in person may not use (the server would refuse it anyway). */
export function NotAllowedState({ title, children, backTo, backLabel }: NotAllowedStateProps) {
  return (
    <section className="page page--centered">
      <title>{`${title} · Snipdesk`}</title>
      <p className="page__eyebrow">Not allowed</p>
      <h1>{title}</h1>
      <p>{children}</p>
      <ButtonLink to={backTo} variant="primary">
        {backLabel}
      </ButtonLink>
    </section>
  );
}
