import { and, eq, ne, or, type SQL } from 'drizzle-orm';
import type { SnipVisibility } from '#shared/contracts/snips.ts';
import { snips } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/**
 * The snips a viewer may see, as a condition that composes with any other filter, order or page:
 * public snips for anyone (signed out too), and in the actor's current workspace its non-private snips and
 * the actor's own private ones. Every path that lets snips out starts here; no other code decides visibility.
 */
export function snipsVisibleTo(viewer: Actor | null): SQL {
  const isPublic = eq(snips.visibility, 'public');
  if (!viewer) return isPublic;
  return or(
    isPublic,
    and(eq(snips.workspaceId, viewer.workspaceId), or(ne(snips.visibility, 'private'), eq(snips.authorId, viewer.userId))),
  )!;
}

type SnipFacts = { workspaceId: string; authorId: string; visibility: SnipVisibility };

const managesWorkspace = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

// The write rules below agree with the scope: nothing the scope hides can be written.
const isVisibleTo = (actor: Actor, snip: SnipFacts) =>
  snip.visibility === 'public' ||
  (snip.workspaceId === actor.workspaceId && (snip.visibility !== 'private' || snip.authorId === actor.userId));

export const canCreateSnip = (actor: Actor) => actor.role !== 'viewer';

/** Viewers read; members change their own snips; admins and owners any snip of their workspace they can see. */
export const canEditSnip = (actor: Actor, snip: SnipFacts) =>
  isVisibleTo(actor, snip) &&
  snip.workspaceId === actor.workspaceId &&
  (managesWorkspace(actor) || (actor.role === 'member' && snip.authorId === actor.userId));

export const canDeleteSnip = canEditSnip;
