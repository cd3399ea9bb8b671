/**
 * How a feature flag is declared. Declarations live in code (`registry.ts`); the database holds only targeting
 * (who gets which value), so a flag's type can never drift from the code that reads it.
 */

/** Whom a percentage rollout buckets by: one person, or a whole workspace at once. */
export type FlagUnit = 'user' | 'workspace';
/**
 * When an open tab follows a flip: `live` at once (a kill switch, a gate), `next-navigation` on the next route change,
 * so nothing changes under what the user is doing (a layout, a page size).
 */
export type FlagPropagation = 'live' | 'next-navigation';
/** A calendar date, `YYYY-MM-DD` (UTC). */
export type FlagDate = `${number}-${number}-${number}`;

type FlagCommon = {
  description: string;
  /** The team or person who answers for the flag and removes it. */
  owner: string;
  unit: FlagUnit;
  /** Whether the SPA may see it: a server-only flag never reaches the browser. */
  client: boolean;
  propagation: FlagPropagation;
} & (
  | { /** A temporary flag: `npm test` fails after this date until it is removed. */ expires: FlagDate; permanent?: never }
  | { /** Operational flags and kill switches stay. */ permanent: true; expires?: never }
);

export type BooleanFlag = FlagCommon & { type: 'boolean'; default: boolean };
export type VariantFlag<V extends string = string> = FlagCommon & { type: 'variant'; variants: readonly [V, ...V[]]; default: V };
export type IntegerFlag = FlagCommon & { type: 'integer'; min: number; max: number; default: number };
export type FlagDeclaration = BooleanFlag | VariantFlag | IntegerFlag;

export type FlagValueOf<D> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'variant'; variants: readonly (infer V)[] }
    ? V
    : D extends { type: 'integer' }
      ? number
      : never;
/** Any flag's value, as stored in targeting and sent over the wire. */
export type AnyFlagValue = boolean | string | number;

/**
 * Why a value was served, from the top of the precedence ladder down (see `evaluate.ts`). Here rather than beside the
 * resolver, so the SPA's contracts can name the reasons without bundling the hash.
 */
export const evaluationReasons = ['qa-override', 'kill', 'deny', 'override', 'rollout', 'default'] as const;
export type EvaluationReason = (typeof evaluationReasons)[number];

export const booleanFlag = <const D extends Omit<BooleanFlag, 'type'>>(declaration: D) => ({ type: 'boolean', ...declaration }) as const;
/**
 * The default must be one of the variants. It is checked apart from the rest (an intersection with the literal
 * default would collapse to `never` and mark every property), so the error points at the default alone.
 */
export const variantFlag = <const D extends Omit<VariantFlag, 'type'>>(
  declaration: D['default'] extends D['variants'][number] ? D : Omit<D, 'default'> & { default: D['variants'][number] },
) => ({ type: 'variant', ...declaration }) as const;
export const integerFlag = <const D extends Omit<IntegerFlag, 'type'>>(declaration: D) => ({ type: 'integer', ...declaration }) as const;

/**
 * What a flag serves when it is switched off for someone (kill switch, deny): `false` for a boolean, the declared
 * default otherwise (a layout or a size has no "off", only the value everyone had before).
 */
export function offValue(declaration: FlagDeclaration): AnyFlagValue {
  return declaration.type === 'boolean' ? false : declaration.default;
}

/** Whether a value fits the declared type: the console, QA overrides and stored targeting are all checked with it. */
export function fitsDeclaration(declaration: FlagDeclaration, value: unknown): value is AnyFlagValue {
  switch (declaration.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'variant':
      return typeof value === 'string' && (declaration.variants as readonly string[]).includes(value);
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= declaration.min && (value as number) <= declaration.max;
  }
}

/** The values a flag takes, in words: "true or false", "one of stacked, side-by-side", "a whole number from 10 to 100". */
export function describeFlagType(declaration: FlagDeclaration): string {
  switch (declaration.type) {
    case 'boolean':
      return 'true or false';
    case 'variant':
      return `one of ${declaration.variants.join(', ')}`;
    case 'integer':
      return `a whole number from ${declaration.min} to ${declaration.max}`;
  }
}

/** Whether a temporary flag is past its expiry date on `today` (the day after the date, UTC). */
export function isExpired(declaration: FlagDeclaration, today: Date): boolean {
  if (!declaration.expires) return false;
  return today.getTime() >= Date.parse(`${declaration.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}
