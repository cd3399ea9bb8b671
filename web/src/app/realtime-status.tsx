import { useRealtimeStatus } from './realtime-provider.tsx';
import type { RealtimeStatus } from './realtime-connection.ts';
import './realtime-status.css';

/** What each status says: in words (never colour alone), quietly when all is well. */
const wording: Record<Exclude<RealtimeStatus, 'idle'>, { text: string; hidden?: string; tone: 'live' | 'waiting' | 'paused' }> = {
  connecting: { text: 'Connecting…', tone: 'waiting' },
  live: { text: 'Live', hidden: ' updates on', tone: 'live' },
  reconnecting: { text: 'Reconnecting…', tone: 'waiting' },
  offline: { text: 'Offline — live updates paused', tone: 'paused' },
  paused: { text: 'Offline — live updates paused', tone: 'paused' },
};

/**
 * The header's live-updates indicator: whether what is on screen follows other people's changes right now.
 * A status region, so a screen reader hears it drop and come back, without taking focus.
 */
export function RealtimeStatusIndicator() {
  const status = useRealtimeStatus();
  if (status === 'idle') return null;
  const { text, hidden, tone } = wording[status];
  return (
    <p className={`realtime-status realtime-status--${tone}`} role="status" title={tone === 'live' ? 'Changes by others appear as they happen' : undefined}>
      <span className="realtime-status__dot" aria-hidden="true" />
      {text}
      {hidden && <span className="visually-hidden">{hidden}</span>}
    </p>
  );
}
