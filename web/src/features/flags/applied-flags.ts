import type { ClientFlag, FlagSnapshot } from '#shared/contracts/flags.ts';
import type { ClientFlagKey, ClientFlagValues } from '#shared/flags/registry.ts';

/**
 * What the pages see of the flags. The BFF's latest snapshot is not always it: a `live` flag applies as soon as the
 * tab hears of it, a `next-navigation` flag only on the next route change, so a layout or a page size never changes
 * under what the person is doing.
 */
export interface AppliedFlags {
  /** The revision of the BFF's latest snapshot. */
  revision: number;
  flags: Readonly<Record<string, ClientFlag>>;
  /** The newer evaluations of `next-navigation` flags that the next route change applies. */
  waiting: Readonly<Record<string, ClientFlag>>;
}

const sameEvaluation = (a: ClientFlag, b: ClientFlag) => a.value === b.value && a.reason === b.reason && a.rule === b.rule;

/**
 * `latest`: the BFF's snapshot now; `atNavigation`: the one that was latest at the last route change. A flag the
 * snapshot at the last route change did not have (new in this release) applies at once: there was nothing before.
 */
export function applyFlags(latest: FlagSnapshot, atNavigation: FlagSnapshot): AppliedFlags {
  const flags: Record<string, ClientFlag> = {};
  const waiting: Record<string, ClientFlag> = {};
  for (const [key, flag] of Object.entries(latest.flags)) {
    const before = atNavigation.flags[key];
    if (flag.propagation === 'live' || !before) {
      flags[key] = flag;
      continue;
    }
    flags[key] = before;
    if (!sameEvaluation(before, flag)) waiting[key] = flag;
  }
  return { revision: latest.revision, flags, waiting };
}

/**
 * A flag's value, typed by the registry. A client flag missing from the snapshot comes from a BFF of another release
 * (during a deploy, an instance that does not declare it yet): the bundle's declared default stands in, as it would
 * for anyone that flag does not target.
 */
export function flagValue<K extends ClientFlagKey>(flags: Readonly<Record<string, ClientFlag>>, key: K): ClientFlagValues[K] {
  const flag = flags[key];
  return flag ? (flag.value as ClientFlagValues[K]) : __CLIENT_FLAG_DEFAULTS__[key];
}
