import { useSyncExternalStore } from 'react';

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function describeMoment(date: Date, now: number): string {
  const seconds = (date.getTime() - now) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

const minute = 60_000;

/** The clock, read as an external store in whole minutes: stable within a render, ticking while mounted. */
function subscribeToClock(onTick: () => void): () => void {
  const timer = setInterval(onTick, minute / 4);
  return () => clearInterval(timer);
}
const currentMinute = () => Math.floor(Date.now() / minute);

/** "5 minutes ago", with the exact moment as the machine-readable value and the tooltip; kept current. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useSyncExternalStore(subscribeToClock, currentMinute) * minute;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={absolute.format(date)}>
      {describeMoment(date, now)}
    </time>
  );
}
