import type { AdminFlag } from '#shared/contracts/flags.ts';
import { describeReach, describeValue, describeValues, propagationLabels, typeLabels } from './flag-words.ts';

// Dates in declarations are calendar days in UTC: shown as that day wherever the reader is.
const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** "Expired", "Orphaned", "Killed": what needs someone's attention, in words and not only in colour. */
export function FlagMarks({ flag }: { flag: AdminFlag }) {
  if (!flag.expired && !flag.orphaned && !flag.targeting.killed) return null;
  return (
    <span className="flag-marks">
      {flag.expired && <span className="badge flag-badge flag-badge--expired">Expired</span>}
      {flag.orphaned && <span className="badge flag-badge flag-badge--orphaned">Orphaned</span>}
      {flag.targeting.killed && <span className="badge flag-badge flag-badge--killed">Killed</span>}
    </span>
  );
}

/** What the code declares about a flag: its type, owner, lifetime and how it reaches the browser. */
export function FlagFacts({ flag }: { flag: AdminFlag }) {
  const { declaration } = flag;
  return (
    <dl className="flag-facts">
      <div>
        <dt>Type</dt>
        <dd>
          {typeLabels[declaration.type]}: {describeValues(declaration)}
        </dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{declaration.owner}</dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd>
          {declaration.expires ? calendarDay.format(new Date(`${declaration.expires}T00:00:00Z`)) : 'Never (permanent)'}
          {flag.expired && ' — expired: remove it from the code'}
        </dd>
      </div>
      <div>
        <dt>Applies</dt>
        <dd>{propagationLabels[declaration.propagation]}</dd>
      </div>
      <div>
        <dt>Seen by</dt>
        <dd>{declaration.client ? 'The browser and the server' : 'The server only'}</dd>
      </div>
      <div>
        <dt>Rollout counts</dt>
        <dd>{declaration.unit === 'user' ? 'Each person' : 'Whole workspaces'}</dd>
      </div>
    </dl>
  );
}

/** Who gets each value now, exactly (the API evaluates every membership). */
export function FlagReachList({ flag }: { flag: AdminFlag }) {
  if (flag.reach.length === 0) return <p className="flag-rules__empty">Nobody yet.</p>;
  return (
    <ul className="flag-reach">
      {flag.reach.map((entry) => (
        <li key={String(entry.value)}>
          <span className="flag-value">{describeValue(entry.value)}</span>: {describeReach(entry)}
        </li>
      ))}
    </ul>
  );
}
