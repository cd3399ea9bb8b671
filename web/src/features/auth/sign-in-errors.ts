import { describeWait } from '#shared/contracts/errors.ts';
import { describeError, isApiError } from '../../api/api-error.ts';

/** What a failed sign-in tells the person, on the sign-in page and in the sign-in-again dialog alike. */
export function signInErrorMessage(error: unknown): string {
  if (isApiError(error, 'invalid_credentials')) return 'That email and password do not match an account.';
  if (isApiError(error, 'rate_limited')) {
    return error.retryAfterSeconds
      ? `Too many failed sign-in attempts. Try again in ${describeWait(error.retryAfterSeconds)}.`
      : 'Too many failed sign-in attempts. Wait a few minutes and try again.';
  }
  return describeError(error);
}
