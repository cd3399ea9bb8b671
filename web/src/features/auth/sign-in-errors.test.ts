import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error.ts';
import { signInErrorMessage } from './sign-in-errors.ts';

const rateLimited = (retryAfterSeconds?: number) =>
  new ApiError({ status: 429, code: 'rate_limited', message: 'Too many failed sign-in attempts.', ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });

describe('signInErrorMessage', () => {
  it('says how long to wait after too many failures, in a unit a person reads', () => {
    expect(signInErrorMessage(rateLimited(896))).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
    expect(signInErrorMessage(rateLimited(30))).toBe('Too many failed sign-in attempts. Try again in 30 seconds.');
  });

  it('still says what to do without a Retry-After', () => {
    expect(signInErrorMessage(rateLimited())).toBe('Too many failed sign-in attempts. Wait a few minutes and try again.');
  });

  it("says what to fix in the contract's words when the API refuses a field the browser let through", () => {
    const refused = new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'The request is invalid: email.',
      details: { issues: [{ location: 'body', path: 'email', message: 'Enter an email address, like name@example.com.' }] },
    });
    expect(signInErrorMessage(refused)).toBe('Enter an email address, like name@example.com.');
  });

  it('names a wrong password as such', () => {
    expect(signInErrorMessage(new ApiError({ status: 401, code: 'invalid_credentials', message: 'no' }))).toBe(
      'That email and password do not match an account.',
    );
  });
});
