import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.ts';
import { notificationListQueryOptions } from './list-notifications.ts';

/** POST /api/notifications/read-all: 204. */
export function postAllNotificationsRead(): Promise<void> {
  return apiRequest('/api/notifications/read-all', { method: 'POST' });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: postAllNotificationsRead,
    onSuccess: () => {
      const readAt = new Date().toISOString();
      queryClient.setQueryData(
        notificationListQueryOptions.queryKey,
        (list) => list && { items: list.items.map((item) => (item.readAt ? item : { ...item, readAt })), unread: 0 },
      );
    },
  });
}
