import { useId } from 'react';
import type { FlagDeclarationView } from '#shared/contracts/flags.ts';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { auditKindLabels, describeChanges, type WorkspaceNamer } from './flag-words.ts';
import { useFlagAudit } from './list-flag-audit.ts';

/** Every change to the flag, newest first: who, when, why, and what it changed. Nothing here can be edited. */
export function FlagAuditLog({ flagKey, declaration, nameWorkspace }: { flagKey: string; declaration: FlagDeclarationView; nameWorkspace: WorkspaceNamer }) {
  const entries = useFlagAudit(flagKey);
  const headingId = useId();
  return (
    <section className="flag-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Audit log</h2>
      {entries.length === 0 ? (
        <p className="flag-rules__empty">No changes yet: the flag serves what the code declares.</p>
      ) : (
        <ol className="flag-audit" aria-labelledby={headingId}>
          {entries.map((entry) => (
            <li key={entry.id} className="flag-audit__entry">
              <p className="flag-audit__head">
                <strong>{entry.actor?.name ?? 'A scheduled ramp'}</strong>
                <span className="badge">{auditKindLabels[entry.kind]}</span>
                <RelativeTime iso={entry.at} />
              </p>
              <p className="flag-audit__reason">Why: {entry.reason}</p>
              <ul className="flag-audit__changes">
                {describeChanges(declaration, entry.before, entry.after, nameWorkspace).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
