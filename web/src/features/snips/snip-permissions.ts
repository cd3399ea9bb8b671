import type { SessionUser } from '#shared/contracts/session.ts';
import type { SnipShare } from '#shared/contracts/snip-shares.ts';
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

/** Members and up share what their workspace lets them read; a private snip only its author. */
export function canShareSnip(user: SessionUser | null, snip: Pick<Snip, 'workspaceId' | 'author' | 'visibility'>): boolean {
  if (!user || snip.workspaceId !== user.workspace.id || user.workspace.role === 'viewer') return false;
  return snip.visibility !== 'private' || snip.author.id === user.id;
}

/** The snip's author takes back any share of it; anyone else only the ones they made. */
export function canRevokeShare(user: SessionUser | null, snip: Pick<Snip, 'author'>, share: Pick<SnipShare, 'sharedBy'>): boolean {
  return user !== null && (snip.author.id === user.id || share.sharedBy?.id === user.id);
}
