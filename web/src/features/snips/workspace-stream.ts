import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { streamName } from '#shared/realtime/messages.ts';
import { useStream } from '../../app/realtime-provider.tsx';
import { snipKeys } from './snip-keys.ts';

/**
 * Keeps the snip lists current while others add, edit or remove snips in the workspace. The `workspace:<id>`
 * stream only says that something changed (lists differ per reader: private snips); the lists are read again over
 * HTTP, through the policy scope. The first snapshot is skipped, because the page was just loaded; a later one
 * (after a reconnect) means changes may have been missed, so it refetches like an update.
 */
export function useWorkspaceSnipsStream(workspaceId: string | undefined): void {
  const queryClient = useQueryClient();
  const heardSnapshot = useRef(false);
  useStream(workspaceId ? streamName('workspace', workspaceId) : null, (message) => {
    if (message.type === 'snapshot' && !heardSnapshot.current) {
      heardSnapshot.current = true;
      return;
    }
    if (message.type === 'snapshot' || message.type === 'update') {
      void queryClient.invalidateQueries({ queryKey: snipKeys.lists() });
    }
  });
}
