import { queryOptions, skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { snipKeys } from './snip-keys.ts';

export interface SnipViewer {
  id: string;
  name: string;
}

/**
 * Who is viewing a snip is server state too, only pushed rather than fetched: the `presence` messages of the
 * `snip:<id>` stream write it into the query cache, where the page reads it like any other server state. There is
 * nothing to fetch (`skipToken`), and it is dropped as soon as nobody shows it (`gcTime: 0`), so coming back to
 * the snip later never shows who was there before; the subscription answers with the current viewers.
 */
export function snipViewersQueryOptions(id: string) {
  return queryOptions<SnipViewer[]>({
    queryKey: snipKeys.viewers(id),
    queryFn: skipToken,
    staleTime: Infinity,
    gcTime: 0,
  });
}

/** Everyone viewing the snip besides `selfId` (the person knows they are here), live. */
export function useSnipViewers(id: string, selfId: string | undefined): SnipViewer[] {
  const queryClient = useQueryClient();
  const { queryKey } = snipViewersQueryOptions(id);
  useStream(streamName('snip', id), (message) => {
    if (message.type === 'presence') queryClient.setQueryData(queryKey, message.viewers);
    // No longer following the snip: nobody's presence is known any more.
    else if (message.type === 'denied' || message.type === 'ended') queryClient.setQueryData(queryKey, []);
  });
  const viewers = useQuery(snipViewersQueryOptions(id)).data ?? [];
  return viewers.filter((viewer) => viewer.id !== selfId);
}
