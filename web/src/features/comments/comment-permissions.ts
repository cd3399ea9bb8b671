import type { SessionUser } from '#shared/contracts/session.ts';

/** Only for hiding the form from someone who cannot use it: the BFF decides (403 for viewers), and says so. */
export function canComment(user: SessionUser | null): boolean {
  return user !== null && user.workspace.role !== 'viewer';
}
