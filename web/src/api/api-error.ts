import { describeWait, fieldIssuesSchema, type FieldIssue } from '#shared/contracts/errors.ts';

/** Every failed request the SPA makes ends up as one of these: HTTP errors, bad bodies and network failures alike. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds from a Retry-After header (429, 503), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: string; message: string; details?: unknown; retryAfterSeconds?: number }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Field issues of a 400 `invalid_request`; empty for any other error. */
  get fieldIssues(): FieldIssue[] {
    if (this.code !== 'invalid_request') return [];
    const parsed = fieldIssuesSchema.safeParse(this.details);
    return parsed.success ? parsed.data.issues : [];
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** A sentence a person can act on, for any error a request can end with. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  // A 400's field issues are the contract's own sentences ("A title is required."); its message only names the fields.
  const fieldMessages = new Set(error.fieldIssues.map((issue) => issue.message));
  if (fieldMessages.size > 0) return [...fieldMessages].join(' ');
  switch (error.code) {
    case 'network_error':
      return 'Could not reach Snipdesk. Check your connection and try again.';
    case 'rate_limited':
      return error.retryAfterSeconds
        ? `Too many attempts. Try again in ${describeWait(error.retryAfterSeconds)}.`
        : 'Too many attempts. Please wait a moment and try again.';
    case 'version_conflict':
      return 'Someone else saved this snip while you were editing it. Your changes were not saved.';
    case 'forbidden':
      return 'You are not allowed to do that in this workspace.';
    case 'service_unavailable':
      return 'Snipdesk is temporarily unavailable. Please try again shortly.';
    default:
      return error.message || 'Something went wrong. Please try again.';
  }
}
