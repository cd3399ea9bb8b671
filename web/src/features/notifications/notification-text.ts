import type { JobKind, JobStatus } from '#shared/contracts/jobs.ts';
import type { Notification } from '#shared/contracts/notifications.ts';

export interface NotificationText {
  /** The sentence, e.g. Max Member commented on “Debounce a function”. */
  text: string;
  /** Where it leads: the snip while the reader may still see it, or the job; null when there is nowhere to go. */
  to: string | null;
}

/** A job in words, inside a sentence. */
const jobNouns: Record<JobKind, string> = { export: 'export' };

/** How a finished job's notification reads, by how it finished. */
function jobFinishedText(job: NonNullable<Notification['job']>): string {
  const noun = jobNouns[job.kind];
  const outcomes: Record<JobStatus, string> = {
    succeeded: `Your ${noun} is ready`,
    failed: `Your ${noun} failed`,
    cancelled: `Your ${noun} was cancelled`,
    // Not sent for a job that has not finished; should one arrive, it still reads as a sentence.
    queued: `Your ${noun} finished`,
    running: `Your ${noun} finished`,
  };
  return outcomes[job.status];
}

/**
 * What a notification says. The BFF leaves `snip` null once the reader may no longer see it (so its title does
 * not leak), and `actorName` null once that account is gone: both still read as a sentence. A finished job's
 * notification (`job_finished`) is about the reader's own job: it names no one and leads to the job's page.
 */
export function describeNotification(notification: Pick<Notification, 'kind' | 'actorName' | 'snip' | 'job'>): NotificationText {
  const actor = notification.actorName ?? 'Someone';
  const { snip, job } = notification;
  const title = snip ? `“${snip.title}”` : null;
  const to = snip ? `/snips/${snip.id}` : null;
  switch (notification.kind) {
    case 'comment':
      return { text: title ? `${actor} commented on ${title}` : `${actor} commented on a snip you can no longer see`, to };
    case 'snip_shared':
      return { text: title ? `${actor} shared ${title} with you` : `${actor} shared a snip you can no longer see`, to };
    case 'job_finished':
      return job ? { text: jobFinishedText(job), to: `/jobs/${job.id}` } : { text: 'Your background job finished', to: null };
  }
}

/** The bell's accessible name: the count is in the name, since the badge is only a picture of it. */
export function bellLabel(unread: number | undefined): string {
  if (!unread) return 'Notifications';
  return `Notifications, ${unread} unread`;
}
