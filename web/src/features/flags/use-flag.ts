import type { ClientFlagKey, ClientFlagValues } from '#shared/flags/registry.ts';
import { useAppliedFlags } from '../../app/flags-provider.tsx';
import { flagValue } from './applied-flags.ts';

/**
 * A flag's value as this page shows it: `live` flags as they are now, `next-navigation` flags as they were at the
 * last route change. Only client flags are keys (a server-only flag does not compile), and the value's type is the
 * flag's: a variant compared with a value outside its union does not compile either.
 */
export function useFlag<K extends ClientFlagKey>(key: K): ClientFlagValues[K] {
  return flagValue(useAppliedFlags().flags, key);
}
