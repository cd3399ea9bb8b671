import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describeWait } from '#shared/contracts/errors.ts';
import { AppError } from '../../plugins/errors.ts';

/**
 * Failed sign-ins, counted three ways (OWASP authentication cheat sheet). Only failures count, so an office behind
 * one NAT is not locked out by its own colleagues signing in.
 * - per account and client: guessing one account's password from one IP locks that IP out of that account only, so
 *   nobody can lock a known email out by failing on purpose;
 * - per client: one IP trying many accounts;
 * - per account, from every client: past a few free failures each attempt on the account waits, twice as long per
 *   further failure, up to a cap, one attempt at a time (others meanwhile get 429). It slows guessing spread over
 *   many IPs to one guess per delay, and still lets the owner in.
 */
export const signInLimits = {
  perAccountAndClient: { failures: 5, windowSeconds: 15 * 60 },
  perClient: { failures: 50, windowSeconds: 15 * 60 },
  perAccount: { freeFailures: 10, firstDelayMs: 250, maxDelayMs: 5_000, windowSeconds: 15 * 60 },
} as const;

/** How long an attempt on an account waits, given its failures from every client in the window. */
function accountDelayMs(failures: number): number {
  const { freeFailures, firstDelayMs, maxDelayMs } = signInLimits.perAccount;
  return failures <= freeFailures ? 0 : Math.min(maxDelayMs, firstDelayMs * 2 ** (failures - freeFailures - 1));
}

function tooManyAttempts(waitMs: number) {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError(429, 'rate_limited', `Too many failed sign-in attempts. Try again in ${describeWait(retryAfter)}.`, {
    headers: { 'retry-after': String(retryAfter) },
    details: { retryAfterSeconds: retryAfter },
  });
}

async function refuseWhenSpent(limiter: RateLimiterMemory, key: string, budget: number) {
  const state = await limiter.get(key);
  if (state && state.consumedPoints >= budget) throw tooManyAttempts(state.msBeforeNext);
}

/**
 * Who a client is, for counting: its IPv4 address, or its IPv6 /64. One subscriber gets a whole /64, so counting
 * single IPv6 addresses would let anyone rotate through billions of them.
 */
export function clientKey(ip: string): string {
  const address = ip.split('%')[0]!;
  if (!address.includes(':')) return address;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address.slice('::ffff:'.length);
  const [head = '', tail] = address.split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

export function createSignInLimiter() {
  const { perAccountAndClient, perClient, perAccount } = signInLimits;
  const accountAndClient = new RateLimiterMemory({ keyPrefix: 'sign-in-account-client', points: perAccountAndClient.failures, duration: perAccountAndClient.windowSeconds });
  const client = new RateLimiterMemory({ keyPrefix: 'sign-in-client', points: perClient.failures, duration: perClient.windowSeconds });
  // Only counts, for the delay: it never refuses.
  const account = new RateLimiterMemory({ keyPrefix: 'sign-in-account', points: Number.MAX_SAFE_INTEGER, duration: perAccount.windowSeconds });
  const pairKey = (email: string, ip: string) => JSON.stringify([email, clientKey(ip)]);
  /** Accounts with an attempt waiting out its delay: one at a time, or parallel attempts would each wait side by side. */
  const waiting = new Set<string>();

  return {
    /**
     * Throws 429 with Retry-After when this client's budget is spent, else waits out the account's delay. Both come
     * before the password is looked at, so the wait is the same for a right and a wrong one and timing tells nothing.
     */
    async admit(email: string, ip: string) {
      await refuseWhenSpent(accountAndClient, pairKey(email, ip), perAccountAndClient.failures);
      await refuseWhenSpent(client, clientKey(ip), perClient.failures);
      const delayMs = accountDelayMs((await account.get(email))?.consumedPoints ?? 0);
      if (delayMs === 0) return;
      if (waiting.has(email)) throw tooManyAttempts(delayMs);
      waiting.add(email);
      try {
        await sleep(delayMs);
      } finally {
        waiting.delete(email);
      }
    },
    async recordFailure(email: string, ip: string) {
      await accountAndClient.penalty(pairKey(email, ip), 1);
      await client.penalty(clientKey(ip), 1);
      await account.penalty(email, 1);
    },
    /**
     * The client proved it knows the password, so its own failures on the account are forgiven. The account's count
     * stays: otherwise guesses from elsewhere would run at full speed again after each of the owner's sign-ins.
     */
    async recordSuccess(email: string, ip: string) {
      await accountAndClient.delete(pairKey(email, ip));
    },
  };
}
