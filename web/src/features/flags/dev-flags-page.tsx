import type { QueryClient } from '@tanstack/react-query';
import type { LoaderFunctionArgs } from 'react-router';
import type { ClientFlag } from '#shared/contracts/flags.ts';
import { useAppliedFlags } from '../../app/flags-provider.tsx';
import { useSession } from '../auth/get-session.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import './dev-flags.css';

export function devFlagsLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    // The flags themselves are the root route's: loaded before anything renders.
    await requireUser(queryClient, request);
    return null;
  };
}

const propagationWords: Record<ClientFlag['propagation'], string> = {
  live: 'Live',
  'next-navigation': 'Next navigation',
};

/**
 * The dev panel (`/dev/flags`): every client flag as this tab applies it, with the reason and rule the BFF gave,
 * and the newer value a `next-navigation` flag holds back until the next route change. For developers and QA
 * checking what a flip or a forced value did; it shows nothing the person could not see in the pages themselves.
 */
export function DevFlagsPage() {
  const { user } = useSession();
  const { revision, flags, waiting } = useAppliedFlags();
  const keys = Object.keys(flags).sort();

  return (
    <section className="page">
      <title>Flags · Snipdesk</title>
      <header className="page__header">
        <div>
          <h1>Flags</h1>
          <p className="page__lead">
            The feature flags this tab applies for you{user ? ` in ${user.workspace.name}` : ''}. Live flags change as soon as they
            are flipped; the others on the next page you open.
          </p>
        </div>
      </header>
      <div className="flag-table__frame">
        <table className="flag-table">
          <caption>Client flags at revision {revision}</caption>
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Value</th>
              <th scope="col">Reason</th>
              <th scope="col">Rule</th>
              <th scope="col">Propagation</th>
              <th scope="col">Waiting for the next navigation</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const flag = flags[key]!;
              const newer = waiting[key];
              return (
                <tr key={key}>
                  <th scope="row" className="flag-table__key">
                    <code>{key}</code>
                  </th>
                  <td data-label="Value">
                    <code>{String(flag.value)}</code>
                  </td>
                  <td data-label="Reason">{flag.reason}</td>
                  <td data-label="Rule">{flag.rule}</td>
                  <td data-label="Propagation">{propagationWords[flag.propagation]}</td>
                  <td data-label="Waiting">
                    {newer ? (
                      <span className="flag-table__waiting">
                        <code>{String(newer.value)}</code> ({newer.reason})
                      </span>
                    ) : (
                      'No'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
