import { eq, inArray, type SQL } from 'drizzle-orm';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import type { Database } from '../../db/client.ts';
import { memberships, workspaces } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/** The workspaces an actor belongs to: the ones they may switch to. */
export function workspacesVisibleTo(db: Database, actor: Actor): SQL {
  return inArray(workspaces.id, db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, actor.userId)));
}

/** The memberships an actor may see: everyone in their current workspace, whatever their own role. */
export function membershipsVisibleTo(actor: Actor): SQL {
  return eq(memberships.workspaceId, actor.workspaceId);
}

export const canManageMembers = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

/**
 * Moving a member from one role to another (null: not a member). Owners and admins manage members, but only an
 * owner may make or unmake an owner. Anyone may leave. The last owner is protected separately, in a transaction.
 */
export function canChangeMembership(actor: Actor, target: { userId: string; from: WorkspaceRole | null; to: WorkspaceRole | null }) {
  if (target.to === null && target.userId === actor.userId) return true;
  if (!canManageMembers(actor)) return false;
  return actor.role === 'owner' || (target.from !== 'owner' && target.to !== 'owner');
}
