import type { AdminFlag, FlagAuditEntry, FlagDeclarationView, FlagExplanation, FlagImpact, FlagReach } from '#shared/contracts/flags.ts';
import { offValue, type AnyFlagValue } from '#shared/flags/declarations.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';
import { declarationFromView, sameValue, type RuleUnit } from './targeting-draft.ts';

/** The console's sentences about flags: what a targeting does, what a change changed, why someone gets a value. */

const counts = new Intl.NumberFormat();
const percents = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

export const formatCount = (count: number, one: string, many: string): string => `${counts.format(count)} ${count === 1 ? one : many}`;
export const formatPercent = (percent: number): string => `${percents.format(percent)} %`;

/** A value as people say it: a boolean is on or off, a variant or a number is itself. */
export function describeValue(value: AnyFlagValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'number' ? counts.format(value) : value;
}

export const typeLabels: Record<FlagDeclarationView['type'], string> = { boolean: 'Boolean', variant: 'Variants', integer: 'Number' };

/**
 * What values a flag can take, in words: "on or off", "stacked or side-by-side", "a whole number from 10 to 1,000".
 * Not the shared `describeFlagType` ("true or false", "1000"): the console says a boolean is on or off and formats
 * numbers, everywhere it shows a value (`describeValue`), so its facts say so too.
 */
export function describeValues(declaration: FlagDeclarationView): string {
  if (declaration.type === 'boolean') return 'on or off';
  if (declaration.type === 'variant') return (declaration.variants ?? []).join(' or ');
  return `a whole number from ${describeValue(declaration.min ?? 0)} to ${describeValue(declaration.max ?? 0)}`;
}

export const propagationLabels: Record<FlagDeclarationView['propagation'], string> = {
  live: 'Live: open tabs change at once',
  'next-navigation': 'On the next page: open tabs change when they navigate',
};

/** Who a percentage rollout counts: people one by one, or whole workspaces. */
const unitPlural = (declaration: FlagDeclarationView) => (declaration.unit === 'user' ? 'users' : 'workspaces');

export function describeDefault(declaration: FlagDeclarationView, value: AnyFlagValue | null): string {
  return value === null ? `${describeValue(declaration.default)} (declared in the code)` : describeValue(value);
}

export function describeRollout(declaration: FlagDeclarationView, rollout: FlagTargeting['rollout']): string {
  const serves =
    rollout.split.length === 1
      ? describeValue(rollout.split[0]!.value)
      : rollout.split.map((entry) => `${describeValue(entry.value)} ${formatPercent(entry.weight)}`).join(', ');
  if (rollout.percent > 0) return `${formatPercent(rollout.percent)} of ${unitPlural(declaration)} get ${serves}`;
  // At 0 % a split can already be chosen: what a ramp will roll out.
  return rollout.split.length === 0 ? 'no rollout' : `no rollout yet (ready to serve ${serves})`;
}

/** "Overrides for 2 users and 1 workspace", "Denied: 1 user", or nothing when there are no such rules. */
function describeRuleCounts(targeting: FlagTargeting): string[] {
  const lines: string[] = [];
  const phrase = (users: number, workspaces: number) =>
    [users > 0 && formatCount(users, 'user', 'users'), workspaces > 0 && formatCount(workspaces, 'workspace', 'workspaces')].filter(Boolean).join(' and ');
  const overrides = phrase(Object.keys(targeting.users.overrides).length, Object.keys(targeting.workspaces.overrides).length);
  const denies = phrase(targeting.users.denies.length, targeting.workspaces.denies.length);
  if (overrides) lines.push(`Overrides for ${overrides}`);
  if (denies) lines.push(`Denied for ${denies}`);
  return lines;
}

/** A targeting in a few lines, top of the precedence ladder first. */
export function describeTargeting(flag: Pick<AdminFlag, 'declaration' | 'targeting'>): string[] {
  const { declaration, targeting } = flag;
  const lines: string[] = [];
  if (targeting.killed) lines.push(`Killed: everyone gets ${describeValue(offValue(declarationFromView(declaration)))}`);
  lines.push(...describeRuleCounts(targeting));
  lines.push(`Rollout: ${describeRollout(declaration, targeting.rollout)}`);
  lines.push(`Default: ${describeDefault(declaration, targeting.default)}`);
  return lines;
}

export function describeReach(entry: FlagReach[number]): string {
  return `${formatCount(entry.users, 'user', 'users')} in ${formatCount(entry.workspaces, 'workspace', 'workspaces')}`;
}

/**
 * The blast radius a confirmation states, from POST /impact: "Turns side-by-side on for 1,204 more users in 37
 * workspaces." A ramp's is its last step's, said with it: "… in 37 workspaces at 100 %."
 */
export function describeBlastRadius(impact: FlagImpact, atPercent?: number): string {
  const at = atPercent === undefined ? '' : ` at ${formatPercent(atPercent)}`;
  const sentences = impact.gains
    .filter((gain) => gain.users > 0 || gain.workspaces > 0)
    .map((gain) => {
      const who = `${formatCount(gain.users, 'more user', 'more users')} in ${formatCount(gain.workspaces, 'workspace', 'workspaces')}${at}`;
      if (typeof gain.value === 'boolean') return `Turns it ${gain.value ? 'on' : 'off'} for ${who}.`;
      if (typeof gain.value === 'number') return `Sets it to ${describeValue(gain.value)} for ${who}.`;
      return `Turns ${gain.value} on for ${who}.`;
    });
  return sentences.length > 0 ? sentences.join(' ') : `Changes no one's value${at}.`;
}

/** Names workspaces by id where the console knows them; a user is named by id. */
export type WorkspaceNamer = (workspaceId: string) => string;

function ruleSubject(unit: RuleUnit, id: string, nameWorkspace: WorkspaceNamer): string {
  return unit === 'users' ? `User ${id}` : `Workspace ${nameWorkspace(id)}`;
}

/** What changed between two targetings, one line per rule, in the order of the precedence ladder. */
export function describeChanges(
  declaration: FlagDeclarationView,
  before: FlagTargeting,
  after: FlagTargeting,
  nameWorkspace: WorkspaceNamer,
): string[] {
  const lines: string[] = [];
  if (before.killed !== after.killed) lines.push(after.killed ? 'Kill switch turned on' : 'Kill switch turned off');
  for (const unit of ['users', 'workspaces'] as const) {
    const subject = (id: string) => ruleSubject(unit, id, nameWorkspace);
    for (const id of after[unit].denies) if (!before[unit].denies.includes(id)) lines.push(`${subject(id)} denied`);
    for (const id of before[unit].denies) if (!after[unit].denies.includes(id)) lines.push(`${subject(id)} no longer denied`);
  }
  for (const unit of ['users', 'workspaces'] as const) {
    const subject = (id: string) => ruleSubject(unit, id, nameWorkspace);
    for (const id of new Set([...Object.keys(before[unit].overrides), ...Object.keys(after[unit].overrides)])) {
      const was = before[unit].overrides[id];
      const now = after[unit].overrides[id];
      if (was === undefined && now !== undefined) lines.push(`${subject(id)}: override ${describeValue(now)} added`);
      else if (was !== undefined && now === undefined) lines.push(`${subject(id)}: override ${describeValue(was)} removed`);
      else if (was !== undefined && now !== undefined && was !== now) lines.push(`${subject(id)}: override ${describeValue(was)} → ${describeValue(now)}`);
    }
  }
  if (!sameValue(before.rollout, after.rollout)) {
    lines.push(`Rollout: ${describeRollout(declaration, before.rollout)} → ${describeRollout(declaration, after.rollout)}`);
  }
  if (before.salt !== after.salt) lines.push('Rollout reshuffled (a new salt)');
  if (before.default !== after.default) lines.push(`Default: ${describeDefault(declaration, before.default)} → ${describeDefault(declaration, after.default)}`);
  return lines.length > 0 ? lines : ['No change to who gets what'];
}

export const auditKindLabels: Record<FlagAuditEntry['kind'], string> = {
  change: 'Changed',
  'ramp-scheduled': 'Ramp scheduled',
  'ramp-step': 'Ramp step applied',
  'ramp-cancelled': 'Ramp cancelled',
  'ramp-reverted': 'Reverted to before a ramp',
};

/** The rule that decided an explained value, in words (the rule names are evaluate.ts's). */
export function describeRule(
  declaration: FlagDeclarationView,
  targeting: FlagTargeting,
  explanation: FlagExplanation,
  nameWorkspace: WorkspaceNamer,
): string {
  const workspace = explanation.workspaceId === null ? 'their workspace' : `their workspace ${nameWorkspace(explanation.workspaceId)}`;
  switch (explanation.rule) {
    case 'qa-override':
      return 'A QA override in their session forces this value.';
    case 'kill-switch':
      return 'The kill switch is on: everyone gets the flag’s off value.';
    case 'user-deny':
      return 'They are denied this flag, so they get its off value.';
    case 'workspace-deny':
      return `Everyone in ${workspace} is denied this flag, so they get its off value.`;
    case 'user-override':
      return 'They have an override of their own.';
    case 'workspace-override':
      return `Everyone in ${workspace} has an override.`;
    case 'rollout':
      return declaration.unit === 'user'
        ? `They are inside the ${formatPercent(targeting.rollout.percent)} rollout, counted person by person.`
        : `${workspace.charAt(0).toUpperCase()}${workspace.slice(1)} is inside the ${formatPercent(targeting.rollout.percent)} rollout, counted by workspace.`;
    case 'targeting-default':
      return 'No rule applies to them: they get the default set in this console.';
    case 'declared-default':
      return 'No rule applies to them: they get the default declared in the code.';
    default:
      return `Decided by the rule “${explanation.rule}”.`;
  }
}
