import { and, eq, ne, or, type SQL } from 'drizzle-orm';
import { snips } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/**
 * The snips this actor may see, as a condition that composes with any other filter, order or page.
 * Every path that lets snips out starts here; no other code decides snip visibility.
 */
export function snipsVisibleTo(actor: Actor): SQL {
  return and(
    eq(snips.workspaceId, actor.workspaceId),
    or(ne(snips.visibility, 'private'), eq(snips.authorId, actor.userId)),
  )!;
}

type SnipOwnership = { workspaceId: string; authorId: string };

const managesWorkspace = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

export const canCreateSnip = (actor: Actor) => actor.role !== 'viewer';

/** Write rules assume the snip already passed `snipsVisibleTo`; they only decide what may change. */
export const canEditSnip = (actor: Actor, snip: SnipOwnership) =>
  snip.workspaceId === actor.workspaceId &&
  (managesWorkspace(actor) || (actor.role === 'member' && snip.authorId === actor.userId));

export const canDeleteSnip = canEditSnip;
