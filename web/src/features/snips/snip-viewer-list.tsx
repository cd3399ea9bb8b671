import { useId } from 'react';
import { useFlag } from '../flags/use-flag.ts';
import type { SnipViewer } from './snip-viewers.ts';

const initialsOf = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');

/**
 * "Viewing now: Olivia Owner, Vera Viewer": a labelled list, read as one sentence by screen readers too. Hidden while
 * the `live-presence` kill switch is off.
 */
export function SnipViewerList({ viewers }: { viewers: SnipViewer[] }) {
  const labelId = useId();
  // The kill switch for live presence: off sheds its load, and nobody is shown as viewing.
  const livePresence = useFlag('live-presence');
  if (!livePresence || viewers.length === 0) return null;
  return (
    <div className="snip-viewers">
      <span id={labelId} className="snip-viewers__label">
        Viewing now:
      </span>
      <ul className="snip-viewers__list" aria-labelledby={labelId}>
        {viewers.map((viewer, index) => (
          <li key={viewer.id} className="snip-viewers__viewer">
            <span className="snip-viewers__avatar" aria-hidden="true">
              {initialsOf(viewer.name)}
            </span>
            {viewer.name}
            {/* The comma is for the text (and what assistive technology reads); the chips need no separator. */}
            {index < viewers.length - 1 && <span className="visually-hidden">,</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
