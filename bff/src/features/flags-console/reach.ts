import type { FlagReach } from '#shared/contracts/flags.ts';
import type { AnyFlagValue, FlagDeclaration } from '#shared/flags/declarations.ts';
import { compileTargeting, evaluateFlag, type CompiledTargeting } from '#shared/flags/evaluate.ts';
import { servableTargeting, type FlagTargeting } from '#shared/flags/targeting.ts';

/**
 * What requests are served from a stored targeting: only what still fits the flag's declaration (`servableTargeting`),
 * so the console counts and explains what people get, not what is stored. Undefined: the declared default for all.
 */
export function servedTargeting(declaration: FlagDeclaration, stored: FlagTargeting): CompiledTargeting | undefined {
  const servable = servableTargeting(declaration, stored);
  return servable && compileTargeting(servable);
}

/** One person in one workspace: a flag is evaluated for every such pair, as their requests in it would be. */
export type MembershipPair = { userId: string; workspaceId: string };

type Tally = Map<AnyFlagValue, { users: Set<string>; workspaces: Set<string> }>;

function count(tally: Tally, value: AnyFlagValue, { userId, workspaceId }: MembershipPair) {
  const reached = tally.get(value) ?? { users: new Set<string>(), workspaces: new Set<string>() };
  reached.users.add(userId);
  reached.workspaces.add(workspaceId);
  tally.set(value, reached);
}

/**
 * Every value the flag can take, in declared order (none reached still shows as 0), then any other value reached (an
 * integer's, smallest first).
 */
function toReach(declaration: FlagDeclaration, tally: Tally): FlagReach {
  const declared: AnyFlagValue[] = declaration.type === 'boolean' ? [true, false] : declaration.type === 'variant' ? [...declaration.variants] : [];
  const others = [...tally.keys()].filter((value) => !declared.includes(value)).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : 0));
  return [...declared, ...others].map((value) => ({ value, users: tally.get(value)?.users.size ?? 0, workspaces: tally.get(value)?.workspaces.size ?? 0 }));
}

/**
 * Exactly how many users and workspaces get each value now: a user counts for a value they get in at least one of
 * their workspaces, a workspace for a value at least one of its members gets.
 */
export function flagReach(key: string, declaration: FlagDeclaration, targeting: FlagTargeting, pairs: readonly MembershipPair[]): FlagReach {
  const served = servedTargeting(declaration, targeting);
  const tally: Tally = new Map();
  for (const pair of pairs) count(tally, evaluateFlag(key, declaration, served, pair).value, pair);
  return toReach(declaration, tally);
}

/**
 * What a proposed targeting changes: per value, the users (and their workspaces) who would get it where they do not
 * now, in at least one of their workspaces. The blast radius a console change states before it is saved.
 */
export function flagImpact(
  key: string,
  declaration: FlagDeclaration,
  current: FlagTargeting,
  proposed: FlagTargeting,
  pairs: readonly MembershipPair[],
): FlagReach {
  const [now, next] = [servedTargeting(declaration, current), servedTargeting(declaration, proposed)];
  const tally: Tally = new Map();
  for (const pair of pairs) {
    const value = evaluateFlag(key, declaration, next, pair).value;
    if (value !== evaluateFlag(key, declaration, now, pair).value) count(tally, value, pair);
  }
  return toReach(declaration, tally);
}
