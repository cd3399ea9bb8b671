import { useMutation } from '@tanstack/react-query';
import { flagExplanationSchema, type FlagExplanation } from '#shared/contracts/flags.ts';
import { apiRequest } from '../../api/api-client.ts';
import { adminFlagPath } from './flag-console-keys.ts';

export interface ExplainFlagBody {
  userId: string;
  workspaceId?: string;
}

/** POST /api/admin/flags/:key/explain: the value someone gets now, why, and which rule decided. */
export function postExplainFlag(key: string, body: ExplainFlagBody): Promise<FlagExplanation> {
  return apiRequest(`${adminFlagPath(key)}/explain`, { method: 'POST', body, schema: flagExplanationSchema });
}

export function useExplainFlag(key: string) {
  return useMutation({ mutationFn: (body: ExplainFlagBody) => postExplainFlag(key, body) });
}
