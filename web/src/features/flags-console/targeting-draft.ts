import type { FieldIssue } from '#shared/contracts/errors.ts';
import type { FlagDeclarationView } from '#shared/contracts/flags.ts';
import type { AnyFlagValue, FlagDate, FlagDeclaration } from '#shared/flags/declarations.ts';
import { flagTargetingSchema, targetingProblems, type FlagTargeting } from '#shared/flags/targeting.ts';

/**
 * The console's editor holds a flag's targeting as the text of its controls (a select's value, what is typed in a
 * number field), so nothing a person types is rewritten under them; it becomes a `FlagTargeting` only when saved,
 * checked with the same rules the API checks it with.
 */

/** An override: whose (a user or workspace id), and the value's text. */
export interface RuleDraft {
  id: string;
  value: string;
}

export interface TargetingDraft {
  killed: boolean;
  /** '' serves the declared default. */
  default: string;
  percent: string;
  /**
   * Boolean and integer flags: the one value the rollout serves; '' while none is chosen (a rollout started from
   * here serves `suggestedValue`), so a form that never touched it stores none.
   */
  rolloutValue: string;
  /** Variant flags: each variant's share of the rollout, in percent, in the stored split's order, then the rest. */
  weights: { variant: string; weight: string }[];
  /** Not edited in the console: carried through as it was. */
  salt: string | null;
  users: { overrides: RuleDraft[]; denies: string[] };
  workspaces: { overrides: RuleDraft[]; denies: string[] };
}

export type RuleUnit = 'users' | 'workspaces';

/**
 * The declaration as the shared checks take it. The API sends it flattened (`variants`, `min`, `max` optional);
 * each type always carries its own fields.
 */
export function declarationFromView(view: FlagDeclarationView): FlagDeclaration {
  const common = {
    description: view.description,
    owner: view.owner,
    unit: view.unit,
    client: view.client,
    propagation: view.propagation,
    ...(view.expires ? { expires: view.expires as FlagDate } : { permanent: true as const }),
  };
  switch (view.type) {
    case 'boolean':
      return { ...common, type: 'boolean', default: view.default === true };
    case 'variant': {
      const [first = String(view.default), ...rest] = view.variants ?? [];
      return { ...common, type: 'variant', variants: [first, ...rest], default: String(view.default) };
    }
    case 'integer':
      return { ...common, type: 'integer', min: view.min ?? Number.MIN_SAFE_INTEGER, max: view.max ?? Number.MAX_SAFE_INTEGER, default: Number(view.default) };
  }
}

/** The text of a value's control. */
export const valueText = (value: AnyFlagValue): string => String(value);

/** A control's text as a value of the flag's type; NaN for an integer that is not one (the checks then say so). */
export function valueFromText(declaration: FlagDeclarationView, text: string): AnyFlagValue {
  switch (declaration.type) {
    case 'boolean':
      return text === 'true';
    case 'variant':
      return text;
    case 'integer':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  }
}

/** What a new rule, or a rollout nobody picked a value for, starts from: on, or the declared value. */
export function suggestedValue(declaration: FlagDeclarationView): string {
  return declaration.type === 'boolean' ? 'true' : valueText(declaration.default);
}

export function draftFromTargeting(declaration: FlagDeclarationView, targeting: FlagTargeting): TargetingDraft {
  const first = targeting.rollout.split[0];
  const splitVariants = targeting.rollout.split.map((entry) => String(entry.value));
  const variants = [...new Set([...splitVariants, ...(declaration.variants ?? [])])];
  const rules = (unit: RuleUnit) => ({
    overrides: Object.entries(targeting[unit].overrides).map(([id, value]) => ({ id, value: valueText(value) })),
    denies: [...targeting[unit].denies],
  });
  return {
    killed: targeting.killed,
    default: targeting.default === null ? '' : valueText(targeting.default),
    percent: String(targeting.rollout.percent),
    rolloutValue: first ? valueText(first.value) : '',
    weights: variants.map((variant) => ({ variant, weight: String(targeting.rollout.split.find((entry) => entry.value === variant)?.weight ?? 0) })),
    salt: targeting.salt,
    users: rules('users'),
    workspaces: rules('workspaces'),
  };
}

/** Whether two drafts say the same thing (both are built field by field in one order). */
export const sameDraft = (a: TargetingDraft, b: TargetingDraft): boolean => JSON.stringify(a) === JSON.stringify(b);

const percentMessage = 'A percentage is between 0 and 100.';
const weightMessage = 'A weight is a whole number from 0 to 100.';

/**
 * The targeting a draft stands for, or the problems that keep it from being saved, with the paths the API uses
 * (`default`, `rollout.percent`, `rollout.split`, `users.overrides.<id>`, …) so they land beside the same fields
 * as the API's own 400 would.
 */
export function targetingFromDraft(
  declaration: FlagDeclarationView,
  draft: TargetingDraft,
): { targeting: FlagTargeting; issues: [] } | { targeting: null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const percent = draft.percent.trim() === '' ? Number.NaN : Number(draft.percent);
  if (!Number.isFinite(percent)) issues.push({ path: 'rollout.percent', message: percentMessage });
  const value = (text: string) => valueFromText(declaration, text);
  let split: FlagTargeting['rollout']['split'];
  if (declaration.type === 'variant') {
    split = [];
    for (const entry of draft.weights) {
      const text = entry.weight.trim() || '0';
      const weight = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isNaN(weight) || weight > 100) issues.push({ path: 'rollout.split', message: weightMessage });
      else if (weight > 0) split.push({ value: entry.variant, weight });
    }
  } else if (draft.rolloutValue !== '') {
    split = [{ value: value(draft.rolloutValue), weight: 100 }];
  } else {
    // No value picked yet: nothing to store until the rollout starts.
    split = percent > 0 ? [{ value: value(suggestedValue(declaration)), weight: 100 }] : [];
  }
  const rules = (unit: RuleUnit) => ({
    overrides: Object.fromEntries(draft[unit].overrides.map((rule) => [rule.id, value(rule.value)])),
    denies: [...draft[unit].denies],
  });
  const targeting: FlagTargeting = {
    killed: draft.killed,
    default: draft.default === '' ? null : value(draft.default),
    rollout: { percent, split },
    salt: draft.salt,
    users: rules('users'),
    workspaces: rules('workspaces'),
  };
  // The type's own checks first: "This flag’s value is a whole number from 10 to 100." says more than the shape's.
  issues.push(...targetingProblems(declarationFromView(declaration), targeting));
  const shape = flagTargetingSchema.safeParse(targeting);
  if (!shape.success) issues.push(...shape.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  const firstPerPath = issues.filter((issue, index) => issues.findIndex((other) => other.path === issue.path) === index);
  return firstPerPath.length === 0 ? { targeting, issues: [] } : { targeting: null, issues: firstPerPath };
}

/** Deep equality of JSON values, whatever order their keys came in. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/**
 * My edits made again on top of someone else's newer targeting (after a 409): every part I changed from `base`
 * takes my value, every part I left alone takes theirs. Rules merge one id at a time, so their new override and
 * mine both stay.
 */
export function reapplyEdits(base: FlagTargeting, mine: FlagTargeting, theirs: FlagTargeting): FlagTargeting {
  const pick = <T>(before: T, mineNow: T, theirsNow: T): T => (sameValue(before, mineNow) ? theirsNow : mineNow);
  const rules = (unit: RuleUnit) => {
    const overrides = { ...theirs[unit].overrides };
    for (const id of new Set([...Object.keys(base[unit].overrides), ...Object.keys(mine[unit].overrides)])) {
      const before = base[unit].overrides[id];
      const now = mine[unit].overrides[id];
      if (sameValue(before, now)) continue;
      if (now === undefined) delete overrides[id];
      else overrides[id] = now;
    }
    const added = mine[unit].denies.filter((id) => !base[unit].denies.includes(id));
    const removed = new Set(base[unit].denies.filter((id) => !mine[unit].denies.includes(id)));
    const denies = [...new Set([...theirs[unit].denies, ...added])].filter((id) => !removed.has(id));
    return { overrides, denies };
  };
  return {
    killed: pick(base.killed, mine.killed, theirs.killed),
    default: pick(base.default, mine.default, theirs.default),
    rollout: pick(base.rollout, mine.rollout, theirs.rollout),
    salt: pick(base.salt, mine.salt, theirs.salt),
    users: rules('users'),
    workspaces: rules('workspaces'),
  };
}
