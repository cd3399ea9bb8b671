import type { SessionUser } from '#shared/contracts/session.ts';
import type { Snip } from '#shared/contracts/snips.ts';

/**
 * Which snip controls to show. Only for hiding what someone cannot use: the BFF decides and enforces every write,
 * and its answer (403) is shown if the two ever disagree, e.g. after a role changed in another tab.
 */
export function canCreateSnips(user: SessionUser | null): boolean {
  return user !== null && user.workspace.role !== 'viewer';
}

/** Viewers read; members change their own snips; admins and owners any snip of their current workspace. */
export function canChangeSnip(user: SessionUser | null, snip: Pick<Snip, 'workspaceId' | 'author'>): boolean {
  if (!user || snip.workspaceId !== user.workspace.id) return false;
  switch (user.workspace.role) {
    case 'owner':
    case 'admin':
      return true;
    case 'member':
      return snip.author.id === user.id;
    case 'viewer':
      return false;
  }
}
