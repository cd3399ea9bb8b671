import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.ts';
import { notificationListQueryOptions } from './list-notifications.ts';

/** POST /api/notifications/:id/read: 204, also when it was read already; 404 when it is not the reader's. */
export function postNotificationRead(id: string): Promise<void> {
  return apiRequest(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: postNotificationRead,
    onSuccess: (_nothing, id) => {
      // The same change the stream is about to announce: with the cache already there, its update refetches nothing.
      const readAt = new Date().toISOString();
      queryClient.setQueryData(notificationListQueryOptions.queryKey, (list) => {
        const target = list?.items.find((item) => item.id === id);
        if (!list || !target || target.readAt) return list;
        return {
          items: list.items.map((item) => (item.id === id ? { ...item, readAt } : item)),
          unread: Math.max(0, list.unread - 1),
        };
      });
    },
  });
}
