import { useQueryClient } from '@tanstack/react-query';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { snipQueryOptions } from './get-snip.ts';
import { snipKeys } from './snip-keys.ts';

/**
 * Keeps an open snip current while someone else changes it. The `snip:<id>` stream says only which version is
 * the latest, or that the snip went away; the snip itself is read again over HTTP, through the policy scope like
 * any read, by invalidating its query. A deleted snip, or one this person may no longer see (`denied`, `ended`),
 * then answers 404, which the pages show without taking the last version off the screen (`useSnipGone`).
 * Null follows nothing: a page deleting its snip stops, or its own delete would read the snip again (a 404).
 */
export function useSnipStream(id: string | null): void {
  const queryClient = useQueryClient();
  useStream(id === null ? null : streamName('snip', id), (message) => {
    if (id === null) return;
    switch (message.type) {
      case 'snapshot':
      case 'update': {
        const { state } = message;
        if (state.kind !== 'snip') return;
        const cached = queryClient.getQueryData(snipQueryOptions(id).queryKey);
        // Our own save, or nothing new since the page read it: the cache already has this version.
        if (!state.deleted && cached && state.version <= cached.version) return;
        break;
      }
      case 'denied':
      case 'ended':
        break;
      default:
        // Not about the snip's content (who is viewing it).
        return;
    }
    void queryClient.invalidateQueries({ queryKey: snipKeys.detail(id), exact: true });
    // Its row in the lists changed or went away too; lists on screen refetch, the others when next shown.
    void queryClient.invalidateQueries({ queryKey: snipKeys.lists() });
  });
}
