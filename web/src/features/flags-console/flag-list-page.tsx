import type { QueryClient } from '@tanstack/react-query';
import { Link, type LoaderFunctionArgs } from 'react-router';
import type { AdminFlag } from '#shared/contracts/flags.ts';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { FlagFacts, FlagMarks, FlagReachList } from './flag-facts.tsx';
import { describeTargeting } from './flag-words.ts';
import { adminFlagListQueryOptions, useAdminFlags } from './list-flags.ts';
import './flags-console.css';

/** A 404 from the API (neither a PM nor a workspace owner) is the layout's "not found" page. */
export function flagListLoader(queryClient: QueryClient) {
  return async ({ request }: LoaderFunctionArgs) => {
    await requireUser(queryClient, request);
    await queryClient.ensureQueryData(adminFlagListQueryOptions);
    return null;
  };
}

/** Every flag the code declares (and the orphans it no longer does): what it is, how it is targeted, who gets what. */
export function FlagListPage() {
  const flags = useAdminFlags();
  const ownerView = flags.some((flag) => flag.editable === 'own-workspaces');
  return (
    <section className="page">
      <title>Flags · Snipdesk</title>
      <header className="page__header">
        <div>
          <h1>Feature flags</h1>
          <p className="page__lead">
            {ownerView
              ? 'Every flag and who gets what. As a workspace owner you can set overrides for the workspaces you own.'
              : 'Every flag declared in the code, its targeting and who gets what now. Open a flag to change it.'}
          </p>
        </div>
      </header>
      {flags.length === 0 ? (
        <div className="empty-state">
          <p className="empty-state__title">No flags</p>
          <p>Flags are declared in shared/flags/registry.ts and show up here when the server starts.</p>
        </div>
      ) : (
        <ul className="flag-list" aria-label="Flags">
          {flags.map((flag) => (
            <FlagCard key={flag.key} flag={flag} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FlagCard({ flag }: { flag: AdminFlag }) {
  return (
    <li className="flag-card">
      <div className="flag-card__title">
        <h2>
          <Link to={`/admin/flags/${flag.key}`}>
            <code>{flag.key}</code>
          </Link>
        </h2>
        <FlagMarks flag={flag} />
      </div>
      <p>{flag.declaration.description}</p>
      <FlagFacts flag={flag} />
      <div className="flag-card__columns">
        <div>
          <h3>Targeting</h3>
          <ul className="flag-summary">
            {describeTargeting(flag).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Who gets what</h3>
          <FlagReachList flag={flag} />
        </div>
      </div>
    </li>
  );
}
