import { useQueryClient } from '@tanstack/react-query';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { notificationListQueryOptions } from './list-notifications.ts';

/**
 * Keeps the bell current. The `user:<id>` stream carries the unread count only: when it differs from the cached
 * one, the count on the bell changes at once and the list is read again over HTTP for what is new (or read
 * elsewhere: another tab, another device).
 */
export function useNotificationStream(userId: string): void {
  const queryClient = useQueryClient();
  useStream(streamName('user', userId), (message) => {
    if (message.type !== 'snapshot' && message.type !== 'update') return;
    const { state } = message;
    if (state.kind !== 'user') return;
    const { queryKey } = notificationListQueryOptions;
    const cached = queryClient.getQueryData(queryKey);
    if (cached) {
      if (cached.unread === state.unread) return;
      queryClient.setQueryData(queryKey, { ...cached, unread: state.unread });
    } else if (queryClient.getQueryState(queryKey)?.fetchStatus !== 'fetching') {
      return;
    }
    // A first load under way may have counted before this change: invalidating restarts it.
    void queryClient.invalidateQueries({ queryKey, exact: true });
  });
}
