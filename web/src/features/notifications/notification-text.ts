import type { Notification } from '#shared/contracts/notifications.ts';

export interface NotificationText {
  /** The sentence, e.g. Max Member commented on “Debounce a function”. */
  text: string;
  /** Where it leads: the snip, while the reader may still see it; null when there is nowhere to go. */
  to: string | null;
}

/**
 * What a notification says. The BFF leaves `snip` null once the reader may no longer see it (so its title does
 * not leak), and `actorName` null once that account is gone: both still read as a sentence.
 */
export function describeNotification(notification: Pick<Notification, 'kind' | 'actorName' | 'snip'>): NotificationText {
  const actor = notification.actorName ?? 'Someone';
  const { snip } = notification;
  const title = snip ? `“${snip.title}”` : null;
  const to = snip ? `/snips/${snip.id}` : null;
  switch (notification.kind) {
    case 'comment':
      return { text: title ? `${actor} commented on ${title}` : `${actor} commented on a snip you can no longer see`, to };
    case 'snip_shared':
      return { text: title ? `${actor} shared ${title} with you` : `${actor} shared a snip you can no longer see`, to };
    case 'job_finished':
      return { text: title ? `Your job on ${title} finished` : 'Your background job finished', to };
  }
}

/** The bell's accessible name: the count is in the name, since the badge is only a picture of it. */
export function bellLabel(unread: number | undefined): string {
  if (!unread) return 'Notifications';
  return `Notifications, ${unread} unread`;
}
