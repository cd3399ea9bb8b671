import { z } from 'zod';

/** Every error that reaches a client has this shape (see ARCHITECTURE.md, "Errors"). */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** `details` of a 400 `invalid_request`: one entry per bad field; `path` is dotted ("title", "tags.2"). */
export const fieldIssuesSchema = z.object({
  issues: z.array(z.object({ location: z.string().optional(), path: z.string(), message: z.string() })),
});
export type FieldIssue = z.infer<typeof fieldIssuesSchema>['issues'][number];

export const errorCodes = [
  'invalid_request',
  'invalid_json',
  'unauthenticated',
  'session_expired',
  'invalid_credentials',
  'csrf_failed',
  'forbidden',
  'feature_off',
  'not_found',
  'version_conflict',
  'last_owner',
  'job_finished',
  'job_not_retryable',
  'already_member',
  'flag_changed',
  'flag_orphaned',
  'invalid_targeting',
  'ramp_scheduled',
  'ramp_not_scheduled',
  'ramp_reverted',
  'idempotency_key_reused',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/**
 * How long a 429's Retry-After asks to wait, in words: "45 seconds", "15 minutes", "2 hours". Rounded up to the
 * largest unit that fits, so the person is never told to come back before it would work.
 */
export function describeWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return plural(whole, 'second');
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  return plural(Math.ceil(whole / 3600), 'hour');
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
