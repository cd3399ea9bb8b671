import murmurhash from 'murmurhash';
import { offValue, type AnyFlagValue, type EvaluationReason, type FlagDeclaration, type FlagUnit } from './declarations.ts';
import { rolloutResolution, type FlagTargeting } from './targeting.ts';

/**
 * Targeting made ready for many evaluations: rules in maps and sets and the rollout's threshold worked out once, so a
 * flag with thousands of rules costs the same per request as one with none. The BFF keeps targeting in this form.
 */
export type CompiledTargeting = Omit<FlagTargeting, 'rollout' | 'users' | 'workspaces'> & {
  rollout: FlagTargeting['rollout'] & { threshold: number };
  users: { overrides: ReadonlyMap<string, AnyFlagValue>; denies: ReadonlySet<string> };
  workspaces: { overrides: ReadonlyMap<string, AnyFlagValue>; denies: ReadonlySet<string> };
};

export const compileTargeting = (targeting: FlagTargeting): CompiledTargeting => ({
  ...targeting,
  rollout: { ...targeting.rollout, threshold: rolloutThreshold(targeting.rollout.percent) },
  users: { overrides: new Map(Object.entries(targeting.users.overrides)), denies: new Set(targeting.users.denies) },
  workspaces: { overrides: new Map(Object.entries(targeting.workspaces.overrides)), denies: new Set(targeting.workspaces.denies) },
});

/** Whom a flag is evaluated for. Either may be missing (signed out, or a job with no workspace). */
export type FlagContext = { userId: string | null; workspaceId: string | null };

/**
 * `rule` names the rule that decided: `qa-override`, `kill-switch`, `user-deny`, `workspace-deny`,
 * `user-override`, `workspace-override`, `rollout`, then for defaults `targeting-default` or `declared-default`.
 */
export type Evaluation<V extends AnyFlagValue = AnyFlagValue> = { value: V; reason: EvaluationReason; rule: string };

const bucketCount = 2 ** 32;
const encoder = new TextEncoder();
/**
 * Reused for every hash: encoding into it allocates nothing per hash (a request resolving a hundred flags in rollout
 * hashes two hundred times). Long texts (rare: ids are uuids) get a buffer of their own.
 */
const scratch = new Uint8Array(512);

/** The UTF-8 bytes of `text` in `scratch`: ASCII (keys and uuids) copied directly, anything else by the encoder. */
function utf8InScratch(text: string): Uint8Array {
  const { length } = text;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return scratch.subarray(0, encoder.encodeInto(text, scratch).written);
    scratch[i] = code;
  }
  return scratch.subarray(0, length);
}

/** murmur3 x86_32 of the UTF-8 bytes: the same number in every browser, Node and database client. */
export function murmur3(text: string, seed = 0): number {
  if (text.length * 3 > scratch.length) return murmurhash.v3(encoder.encode(text), seed);
  return murmurhash.v3(utf8InScratch(text), seed);
}

/**
 * A unit's bucket in [0, 2^32): murmur3 (seed 0) of `salt:unit:id`. A unit is in a rollout of p % when its bucket is
 * under p % of 2^32, so raising p only adds units, and every user of a workspace shares the workspace's bucket.
 */
export const rolloutBucket = (salt: string, unit: FlagUnit, id: string): number => murmur3(`${salt}:${unit}:${id}`);

/** The first bucket outside a rollout of `percent` (a multiple of 0.001). */
export const rolloutThreshold = (percent: number): number =>
  Math.floor((Math.round(percent * rolloutResolution) * bucketCount) / (100 * rolloutResolution));

/**
 * Which entry of a split the unit whose hash input is `unitText` gets: a second, independent hash (seed 1), so a unit
 * keeps its variant while the rollout percentage grows.
 */
function pickFromSplit(split: readonly { value: AnyFlagValue; weight: number }[], unitText: string): AnyFlagValue | undefined {
  const position = (murmur3(unitText, 1) / bucketCount) * 100;
  let upTo = 0;
  for (const entry of split) {
    upTo += entry.weight;
    if (position < upTo) return entry.value;
  }
  return split.at(-1)?.value;
}

/**
 * The one resolver, pure: the BFF runs it per request and per job, the console's explainer and counts run it too.
 * Precedence: kill switch > deny for user > deny for workspace > override for user > override for workspace >
 * percentage rollout > default. A QA override, when the caller has verified one, is above them all.
 */
export function evaluateFlag(
  key: string,
  declaration: FlagDeclaration,
  targeting: CompiledTargeting | undefined,
  context: FlagContext,
  qaOverride?: AnyFlagValue,
): Evaluation {
  if (qaOverride !== undefined) return { value: qaOverride, reason: 'qa-override', rule: 'qa-override' };
  if (!targeting) return { value: declaration.default, reason: 'default', rule: 'declared-default' };
  const { userId, workspaceId } = context;
  if (targeting.killed) return { value: offValue(declaration), reason: 'kill', rule: 'kill-switch' };
  if (userId && targeting.users.denies.has(userId)) return { value: offValue(declaration), reason: 'deny', rule: 'user-deny' };
  if (workspaceId && targeting.workspaces.denies.has(workspaceId)) {
    return { value: offValue(declaration), reason: 'deny', rule: 'workspace-deny' };
  }
  const userOverride = userId ? targeting.users.overrides.get(userId) : undefined;
  if (userOverride !== undefined) return { value: userOverride, reason: 'override', rule: 'user-override' };
  const workspaceOverride = workspaceId ? targeting.workspaces.overrides.get(workspaceId) : undefined;
  if (workspaceOverride !== undefined) return { value: workspaceOverride, reason: 'override', rule: 'workspace-override' };
  const unitId = declaration.unit === 'user' ? userId : workspaceId;
  const { threshold, split } = targeting.rollout;
  if (unitId && threshold > 0 && split.length > 0) {
    // `rolloutBucket`'s input, built once for both hashes.
    const unitText = `${targeting.salt ?? key}:${declaration.unit}:${unitId}`;
    if (murmur3(unitText) < threshold) {
      const value = pickFromSplit(split, unitText);
      if (value !== undefined) return { value, reason: 'rollout', rule: 'rollout' };
    }
  }
  if (targeting.default !== null) return { value: targeting.default, reason: 'default', rule: 'targeting-default' };
  return { value: declaration.default, reason: 'default', rule: 'declared-default' };
}
