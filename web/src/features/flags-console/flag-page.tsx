import type { QueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { data, Link, useParams, type LoaderFunctionArgs } from 'react-router';
import { flagKeyParamsSchema } from '#shared/contracts/flags.ts';
import { Banner } from '../../ui/banner.tsx';
import { requireUser } from '../auth/sign-in-redirect.ts';
import { FlagAuditLog } from './flag-audit-log.tsx';
import { FlagEditForm } from './flag-edit-form.tsx';
import { FlagExplainer } from './flag-explainer.tsx';
import { FlagFacts, FlagMarks, FlagReachList } from './flag-facts.tsx';
import { FlagRamps } from './flag-ramps.tsx';
import { describeTargeting, type WorkspaceNamer } from './flag-words.ts';
import { adminFlagQueryOptions, useAdminFlag } from './get-flag.ts';
import { flagAuditQueryOptions } from './list-flag-audit.ts';
import './flags-console.css';

/** The `:key` of a flag route. Anything that is not a flag key is a page that does not exist: 404, no request. */
function flagKeyFrom(params: LoaderFunctionArgs['params']): string {
  const parsed = flagKeyParamsSchema.safeParse(params);
  if (!parsed.success) throw data('Not found', { status: 404 });
  return parsed.data.key;
}

/** A 404 from the API (not a PM nor an owner, or no such flag) is the layout's "not found" page. */
export function flagLoader(queryClient: QueryClient) {
  return async ({ request, params }: LoaderFunctionArgs) => {
    const key = flagKeyFrom(params);
    await requireUser(queryClient, request);
    // Edit what is current now, not what the list cached a while ago.
    await Promise.all([queryClient.fetchQuery({ ...adminFlagQueryOptions(key), staleTime: 0 }), queryClient.ensureQueryData(flagAuditQueryOptions(key))]);
    return null;
  };
}

export function FlagPage() {
  const key = useParams().key ?? '';
  // Another flag is another page: no draft, conflict or answer of this one carried over.
  return <FlagDetail key={key} flagKey={key} />;
}

function FlagDetail({ flagKey }: { flagKey: string }) {
  const flag = useAdminFlag(flagKey);
  const nowId = useId();
  const names = new Map(flag.workspaces.map((workspace) => [workspace.id, workspace.name]));
  const nameWorkspace: WorkspaceNamer = (id) => names.get(id) ?? id;
  return (
    <article className="page flag-page">
      <title>{`${flag.key} · Flags · Snipdesk`}</title>
      <p className="breadcrumb">
        <Link to="/admin/flags">← All flags</Link>
      </p>
      <header className="page__header">
        <div className="flag-page__title">
          <h1>
            <code>{flag.key}</code>
          </h1>
          <FlagMarks flag={flag} />
          <p className="page__lead">{flag.declaration.description}</p>
        </div>
      </header>
      {flag.orphaned && (
        <Banner title="Orphaned: no longer declared in the code">
          <p>Its targeting is kept for the record and can no longer be changed. Nothing reads it.</p>
        </Banner>
      )}
      <FlagFacts flag={flag} />

      <section className="flag-section" aria-labelledby={nowId}>
        <h2 id={nowId}>Now</h2>
        <ul className="flag-summary">
          {describeTargeting(flag).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <h3>Who gets what</h3>
        <FlagReachList flag={flag} />
      </section>

      {flag.orphaned ? null : flag.editable === 'all' || flag.declaration.client ? (
        <FlagEditForm flag={flag} nameWorkspace={nameWorkspace} />
      ) : (
        <p className="flag-rules__empty">Server-only flags tune the service itself: only product managers change them.</p>
      )}
      <FlagExplainer flag={flag} nameWorkspace={nameWorkspace} />
      {flag.editable === 'all' && !flag.orphaned && <FlagRamps flag={flag} />}
      <FlagAuditLog flagKey={flag.key} declaration={flag.declaration} nameWorkspace={nameWorkspace} />
    </article>
  );
}
