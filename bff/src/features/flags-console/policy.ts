import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { FlagDeclaration } from '#shared/flags/declarations.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';
import type { Database } from '../../db/client.ts';
import { memberships, workspaces } from '../../db/schema.ts';
import type { Actor } from '../../plugins/session.ts';

/**
 * What an actor may do in the flags console. A product manager manages every flag and every rule. The owner of one
 * or more workspaces (whichever is current) sees every flag, but of its rules only those for the workspaces they own,
 * and of those changes only the overrides. Anyone else has no scope: every console route answers 404 to them.
 */
export type FlagConsoleScope = { editable: 'all' } | { editable: 'own-workspaces'; workspaceIds: ReadonlySet<string> };

export async function flagConsoleScopeOf(db: Database, actor: Actor): Promise<FlagConsoleScope | undefined> {
  if (actor.isPm) return { editable: 'all' };
  // Read on every request, like the actor's role: an owner who hands over a workspace loses its rules at once.
  const owned = await db
    .select({ workspaceId: memberships.workspaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, actor.userId), eq(memberships.role, 'owner')));
  return owned.length > 0 ? { editable: 'own-workspaces', workspaceIds: new Set(owned.map((row) => row.workspaceId)) } : undefined;
}

/*
 * Workspaces and memberships have their scopes (`workspacesVisibleTo`, `membershipsVisibleTo`); the console needs a
 * second one of each, because it looks at them from outside the actor's memberships. Those scopes follow them (the
 * workspaces the actor belongs to; the members of their current workspace), while the console shows a product manager
 * every workspace and membership, theirs or not, and an owner the members of every workspace they own, whichever is
 * current. Only an owner's workspaces could be narrowed from `workspacesVisibleTo`; the rest cannot be built from
 * those scopes at all, so the console's two stay together here.
 */

/** The memberships whose flag values the console counts and explains: all, or those of the owner's workspaces. */
export function flagMembershipsVisibleTo(scope: FlagConsoleScope): SQL {
  return scope.editable === 'all' ? sql`true` : inArray(memberships.workspaceId, [...scope.workspaceIds]);
}

/** The workspaces the console offers as targets of rules. */
export function flagWorkspacesVisibleTo(scope: FlagConsoleScope): SQL {
  return scope.editable === 'all' ? sql`true` : inArray(workspaces.id, [...scope.workspaceIds]);
}

/** A flag's rules as the console shows them: an owner sees the global settings and their own workspaces' rules, no user's. */
export function flagTargetingVisibleTo(scope: FlagConsoleScope, targeting: FlagTargeting): FlagTargeting {
  if (scope.editable === 'all') return targeting;
  const owned = (workspaceId: string) => scope.workspaceIds.has(workspaceId);
  return {
    ...targeting,
    users: { overrides: {}, denies: [] },
    workspaces: {
      overrides: Object.fromEntries(Object.entries(targeting.workspaces.overrides).filter(([workspaceId]) => owned(workspaceId))),
      denies: targeting.workspaces.denies.filter(owned),
    },
  };
}

/** The same ids, in whatever order (a list of denies is a set). */
const sameIds = (a: readonly string[], b: readonly string[]) => isDeepStrictEqual([...new Set(a)].sort(), [...new Set(b)].sort());

/**
 * The whole targeting a proposed change leads to, or undefined when the actor may not make it. An owner proposes
 * their view of the flag (`flagTargetingVisibleTo`) with only their own workspaces' overrides changed; those replace
 * theirs in the stored targeting, and every other rule stays as stored. Not denies: a deny is a product manager's, and
 * an owner neither adds nor lifts one. Not on a server-only flag: those tune the servers, not what a workspace sees.
 */
export function targetingAfterChange(
  scope: FlagConsoleScope,
  declaration: FlagDeclaration,
  stored: FlagTargeting,
  proposed: FlagTargeting,
): FlagTargeting | undefined {
  if (scope.editable === 'all') return proposed;
  if (!declaration.client) return undefined;
  const owned = (workspaceId: string) => scope.workspaceIds.has(workspaceId);
  const { workspaces: proposedRules, ...proposedRest } = proposed;
  const { workspaces: shownRules, ...shownRest } = flagTargetingVisibleTo(scope, stored);
  const onlyOwnOverrides = Object.keys(proposedRules.overrides).every(owned) && sameIds(proposedRules.denies, shownRules.denies);
  if (!onlyOwnOverrides || !isDeepStrictEqual(proposedRest, shownRest)) return undefined;
  return {
    ...stored,
    workspaces: {
      overrides: {
        ...Object.fromEntries(Object.entries(stored.workspaces.overrides).filter(([workspaceId]) => !owned(workspaceId))),
        ...proposedRules.overrides,
      },
      denies: stored.workspaces.denies,
    },
  };
}

/**
 * Whether an entry of a flag's trail is the actor's to read. An owner reads the changes to their own workspaces'
 * rules, and no other: the rest would tell them who changed what for other workspaces, and why.
 */
export function flagChangeVisibleTo(scope: FlagConsoleScope, before: FlagTargeting, after: FlagTargeting): boolean {
  if (scope.editable === 'all') return true;
  const [was, is] = [flagTargetingVisibleTo(scope, before).workspaces, flagTargetingVisibleTo(scope, after).workspaces];
  return !isDeepStrictEqual(was.overrides, is.overrides) || !sameIds(was.denies, is.denies);
}

/** Scheduled ramps move the whole rollout: product managers only, who alone see them (their authors and reasons too). */
export const canManageRamps = (scope: FlagConsoleScope) => scope.editable === 'all';
