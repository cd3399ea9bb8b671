import { z } from 'zod';
import { describeFlagType, fitsDeclaration, type AnyFlagValue, type FlagDeclaration } from './declarations.ts';

/** Rollout percentages have a resolution of 0.001 %: they are stored and compared as thousandths of a percent. */
export const rolloutResolution = 1000;
/** A rollout percentage: 0 to 100, at most three decimals. */
export const percentSchema = z
  .number()
  .min(0, 'A percentage is between 0 and 100.')
  .max(100, 'A percentage is between 0 and 100.')
  .refine((percent) => Number.isInteger(Math.round(percent * rolloutResolution * 1e6) / 1e6), 'A percentage has at most three decimals.');
const flagValueSchema = z.union([z.boolean(), z.string().max(100), z.number().int()]);

/**
 * Who gets which value. The only part of a flag the database holds; everything about its type is in code.
 * Ids in rules are user or workspace ids; a rule for an id that no longer exists is harmless.
 */
export const flagTargetingSchema = z.strictObject({
  /** Everyone gets the flag's off value (`offValue`): above every other rule. */
  killed: z.boolean(),
  /** What is served when no rule applies; null serves the declared default. */
  default: flagValueSchema.nullable(),
  /**
   * The units (users or workspaces, by the flag's `unit`) whose bucket falls under `percent` get a value from
   * `split`, chosen by weight (one entry for booleans and integers, a weight per variant for variant flags).
   */
  rollout: z.strictObject({
    percent: percentSchema,
    split: z.array(z.strictObject({ value: flagValueSchema, weight: z.number().int().min(0).max(100) })).max(20),
  }),
  /** Buckets are hashed from `salt:unit:id`; a new salt reshuffles who is in a rollout. Null: the flag's key. */
  salt: z.string().min(1).max(100).nullable(),
  users: z.strictObject({ overrides: z.record(z.uuid(), flagValueSchema), denies: z.array(z.uuid()) }),
  workspaces: z.strictObject({ overrides: z.record(z.uuid(), flagValueSchema), denies: z.array(z.uuid()) }),
});
export type FlagTargeting = z.infer<typeof flagTargetingSchema>;

export const emptyTargeting = (): FlagTargeting => ({
  killed: false,
  default: null,
  rollout: { percent: 0, split: [] },
  salt: null,
  users: { overrides: {}, denies: [] },
  workspaces: { overrides: {}, denies: [] },
});

/**
 * The ways a targeting can be well-formed and still not fit its flag: each problem in words for the console, with
 * the path of the field. Empty when it fits.
 */
export function targetingProblems(declaration: FlagDeclaration, targeting: FlagTargeting): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const check = (path: string, value: AnyFlagValue) => {
    if (!fitsDeclaration(declaration, value)) problems.push({ path, message: `This flag’s value is ${describeFlagType(declaration)}.` });
  };
  if (targeting.default !== null) check('default', targeting.default);
  targeting.rollout.split.forEach((entry, index) => check(`rollout.split.${index}.value`, entry.value));
  const weights = targeting.rollout.split.reduce((sum, entry) => sum + entry.weight, 0);
  if (targeting.rollout.percent > 0 && weights !== 100) problems.push({ path: 'rollout.split', message: 'The split’s weights add up to 100.' });
  if (new Set(targeting.rollout.split.map((entry) => entry.value)).size !== targeting.rollout.split.length) {
    problems.push({ path: 'rollout.split', message: 'Each value appears once in the split.' });
  }
  for (const unit of ['users', 'workspaces'] as const) {
    for (const [id, value] of Object.entries(targeting[unit].overrides)) check(`${unit}.overrides.${id}`, value);
  }
  return problems;
}

/**
 * What of a stored targeting can be served under the flag's declaration today (code may have changed since it was
 * stored: a variant removed, bounds narrowed). Values that no longer fit are dropped: an override no longer applies, a
 * default that no longer fits falls back to the declared one, and a split entry that no longer fits serves that
 * fallback, keeping its weight so no other unit changes value. Undefined when it cannot be read at all (serve the
 * declared default). Requests, the console's counts and its explainer all evaluate this, so they agree.
 */
export function servableTargeting(declaration: FlagDeclaration, stored: unknown): FlagTargeting | undefined {
  const parsed = flagTargetingSchema.safeParse(stored);
  if (!parsed.success) return undefined;
  const targeting = parsed.data;
  if (targetingProblems(declaration, targeting).length === 0) return targeting;
  const fits = (value: AnyFlagValue) => fitsDeclaration(declaration, value);
  const fittingOverrides = (overrides: Record<string, AnyFlagValue>) => Object.fromEntries(Object.entries(overrides).filter(([, value]) => fits(value)));
  const fallback = targeting.default !== null && fits(targeting.default) ? targeting.default : null;
  return {
    ...targeting,
    default: fallback,
    rollout: {
      ...targeting.rollout,
      split: targeting.rollout.split.map((entry) => (fits(entry.value) ? entry : { ...entry, value: fallback ?? declaration.default })),
    },
    users: { ...targeting.users, overrides: fittingOverrides(targeting.users.overrides) },
    workspaces: { ...targeting.workspaces, overrides: fittingOverrides(targeting.workspaces.overrides) },
  };
}
