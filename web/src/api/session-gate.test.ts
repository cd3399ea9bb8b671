import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  getSessionGate,
  identifySessionUser,
  markSessionExpired,
  onSessionEvent,
  sessionSignedIn,
  sessionSignedOut,
  waitForActiveSession,
  waitingRequestCount,
  type SessionEvent,
} from './session-gate.ts';

const alice = 'user-alice';
const bob = 'user-bob';

function settledState(promise: Promise<unknown>) {
  const state = { value: 'pending' as 'pending' | 'resolved' | 'rejected', reason: undefined as unknown };
  promise.then(
    () => (state.value = 'resolved'),
    (reason: unknown) => {
      state.value = 'rejected';
      state.reason = reason;
    },
  );
  return state;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  if (getSessionGate().status === 'expired') sessionSignedOut();
  identifySessionUser(() => null);
});

describe('the session gate', () => {
  it('lets requests through while active', async () => {
    await expect(waitForActiveSession()).resolves.toBeUndefined();
  });

  it('remembers whose session expired, once, however many requests report it', () => {
    identifySessionUser(() => alice);
    const events: SessionEvent[] = [];
    const stop = onSessionEvent((event) => events.push(event));
    markSessionExpired();
    markSessionExpired();
    stop();
    expect(getSessionGate()).toMatchObject({ status: 'expired', userId: alice });
    expect(events).toEqual([{ type: 'expired', userId: alice }]);
  });

  it('resumes the waiting requests when the same person signs in again', async () => {
    identifySessionUser(() => alice);
    markSessionExpired();
    const waiting = settledState(waitForActiveSession());
    await flush();
    expect(waiting.value).toBe('pending');

    expect(sessionSignedIn(alice)).toBe('resumed');
    await flush();
    expect(waiting.value).toBe('resolved');
    expect(getSessionGate().status).toBe('active');
  });

  it('rejects them when someone else signs in, or the person signs out', async () => {
    identifySessionUser(() => alice);
    markSessionExpired();
    const first = settledState(waitForActiveSession());
    expect(sessionSignedIn(bob)).toBe('discarded');
    markSessionExpired();
    const second = settledState(waitForActiveSession());
    sessionSignedOut();
    await flush();
    expect(first).toMatchObject({ value: 'rejected', reason: { code: 'session_expired' } });
    expect(second).toMatchObject({ value: 'rejected', reason: { code: 'session_expired' } });
    expect(waitingRequestCount()).toBe(0);
  });

  it('never resumes work for a session nobody could identify', () => {
    markSessionExpired();
    expect(getSessionGate()).toMatchObject({ status: 'expired', userId: null });
    expect(sessionSignedIn(alice)).toBe('discarded');
  });

  it('stops a waiter whose request is aborted', async () => {
    markSessionExpired();
    const controller = new AbortController();
    const waiting = settledState(waitForActiveSession(controller.signal));
    controller.abort();
    await flush();
    expect(waiting.value).toBe('rejected');
    expect((waiting.reason as Error).name).toBe('AbortError');
    expect(waitingRequestCount()).toBe(0);
  });

  it('ignores a 401 about a session that has been replaced since the request left', () => {
    identifySessionUser(() => alice);
    const sentInEpoch = getSessionGate().epoch;
    markSessionExpired();
    sessionSignedIn(alice);
    markSessionExpired({ observedInEpoch: sentInEpoch });
    expect(getSessionGate().status).toBe('active');
  });

  it('says where each event came from', () => {
    const listener = vi.fn();
    const stop = onSessionEvent(listener);
    markSessionExpired({ origin: 'other-tab' });
    sessionSignedIn(alice, { origin: 'other-tab' });
    sessionSignedOut();
    stop();
    expect(listener.mock.calls).toEqual([
      [{ type: 'expired', userId: null }, 'other-tab'],
      [{ type: 'signed-in', userId: alice }, 'other-tab'],
      [{ type: 'signed-out' }, 'this-tab'],
    ]);
  });
});
