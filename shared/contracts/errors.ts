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
  'not_found',
  'version_conflict',
  'last_owner',
  'job_finished',
  'job_not_retryable',
  'already_member',
  'idempotency_key_reused',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
