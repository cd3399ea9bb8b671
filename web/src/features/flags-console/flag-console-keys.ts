import type { QueryClient } from '@tanstack/react-query';

/**
 * Query keys of the flags console. One flag's detail and its audit log sit under `flagConsoleKeys.flag(key)`, so a
 * change to a flag (a save, a ramp scheduled, cancelled or reverted) invalidates everything shown about it at once;
 * the list shows every flag's targeting and reach, so it is invalidated too.
 */
export const flagConsoleKeys = {
  all: ['flags-console'] as const,
  list: () => [...flagConsoleKeys.all, 'list'] as const,
  flags: () => [...flagConsoleKeys.all, 'flag'] as const,
  flag: (key: string) => [...flagConsoleKeys.flags(), key] as const,
  detail: (key: string) => [...flagConsoleKeys.flag(key), 'detail'] as const,
  audit: (key: string) => [...flagConsoleKeys.flag(key), 'audit'] as const,
};

/** The API path of one flag in the console. */
export function adminFlagPath(key: string): string {
  return `/api/admin/flags/${encodeURIComponent(key)}`;
}

/**
 * After any change to a flag (a save, a ramp scheduled, cancelled or reverted): everything shown about it, and the
 * list, read again. Resolves once what is on screen is fresh.
 */
export function refreshFlag(queryClient: QueryClient, key: string): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: flagConsoleKeys.flag(key) }),
    queryClient.invalidateQueries({ queryKey: flagConsoleKeys.list() }),
  ]);
}
