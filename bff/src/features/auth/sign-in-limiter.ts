import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describeWait } from '#shared/contracts/errors.ts';
import { AppError } from '../../plugins/errors.ts';

/**
 * Failed sign-ins are counted per account (guessing one password) and per IP (trying many accounts).
 * Only failures count, so an office behind one NAT is not locked out by its own colleagues signing in.
 */
export const signInLimits = {
  perAccount: { failures: 5, windowSeconds: 15 * 60 },
  perIp: { failures: 50, windowSeconds: 15 * 60 },
} as const;

export function createSignInLimiter() {
  const perAccount = new RateLimiterMemory({ keyPrefix: 'sign-in-account', points: signInLimits.perAccount.failures, duration: signInLimits.perAccount.windowSeconds });
  const perIp = new RateLimiterMemory({ keyPrefix: 'sign-in-ip', points: signInLimits.perIp.failures, duration: signInLimits.perIp.windowSeconds });
  const limiters = (email: string, ip: string) => [[perAccount, email, signInLimits.perAccount.failures], [perIp, ip, signInLimits.perIp.failures]] as const;

  return {
    /** Throws 429 with Retry-After when either budget is spent; checked before the password is even looked at. */
    async assertAllowed(email: string, ip: string) {
      for (const [limiter, key, budget] of limiters(email, ip)) {
        const state = await limiter.get(key);
        if (state && state.consumedPoints >= budget) {
          const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          throw new AppError(429, 'rate_limited', `Too many failed sign-in attempts. Try again in ${describeWait(retryAfter)}.`, {
            headers: { 'retry-after': String(retryAfter) },
            details: { retryAfterSeconds: retryAfter },
          });
        }
      }
    },
    async recordFailure(email: string, ip: string) {
      for (const [limiter, key] of limiters(email, ip)) await limiter.penalty(key, 1);
    },
    async recordSuccess(email: string) {
      await perAccount.delete(email);
    },
  };
}
