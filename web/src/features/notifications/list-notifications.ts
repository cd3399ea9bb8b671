import { queryOptions, useQuery } from '@tanstack/react-query';
import { notificationListSchema, type NotificationList } from '#shared/contracts/notifications.ts';
import { apiRequest } from '../../api/api-client.ts';
import { notificationKeys } from './notification-keys.ts';

/** How many the bell's panel lists; the unread count covers them all. */
export const notificationPageSize = 30;

/** GET /api/notifications: the newest first, with the unread count. */
export function fetchNotifications(signal?: AbortSignal): Promise<NotificationList> {
  return apiRequest('/api/notifications', { query: { limit: notificationPageSize }, schema: notificationListSchema, signal });
}

export const notificationListQueryOptions = queryOptions({
  queryKey: notificationKeys.list(),
  queryFn: ({ signal }) => fetchNotifications(signal),
  // No polling: the `user:<id>` stream says when the count moves (notification-stream.ts). The usual staleness
  // still refetches on focus, for what the stream does not carry: a snip's new title, or one no longer visible.
});

/** Not a suspense query: the bell must never hold the page back; it shows no count until it knows one. */
export function useNotifications() {
  return useQuery(notificationListQueryOptions);
}
