import { useMutation } from '@tanstack/react-query';
import { flagImpactSchema, type FlagImpact } from '#shared/contracts/flags.ts';
import type { FlagTargeting } from '#shared/flags/targeting.ts';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath } from './flag-console-keys.ts';

/** POST /api/admin/flags/:key/impact: who would newly get which value under `targeting`. Changes nothing. */
export function postFlagImpact(key: string, targeting: FlagTargeting): Promise<FlagImpact> {
  return apiRequest(`${adminFlagPath(key)}/impact`, { method: 'POST', body: { targeting }, schema: flagImpactSchema });
}

/** A mutation, not a query: it is asked once per save, for the confirmation, and never cached. */
export function useFlagImpact(key: string) {
  return useMutation({ mutationFn: (targeting: FlagTargeting) => postFlagImpact(key, targeting) });
}
