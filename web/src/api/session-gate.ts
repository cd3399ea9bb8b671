import { ApiError } from './api-error.ts';

/**
 * The session gate: may requests that need the session go out right now?
 *
 * - `active`: yes.
 * - `expired`: the server answered `session_expired` (or the realtime socket closed with 4401, or another tab saw
 *   either). Requests that need the session wait here, unsent or about to be re-sent, instead of failing: the
 *   caller's promise stays pending, so a mutation stays `isPending` and a query keeps its data and its place.
 *   When the same person signs in again the waiters go out (again); when someone else signs in, or the person
 *   signs out, they are rejected, because that work belonged to the old session.
 *
 * The fetch client waits on the gate (`waitForActiveSession`); the session UI and the cross-tab sync move it
 * (`markSessionExpired`, `sessionSignedIn`, `sessionSignedOut`) and listen to it (`subscribeToSessionGate`,
 * `onSessionEvent`). It is module state, like the fetch client: one per tab.
 */

export type SessionGateState =
  | { readonly status: 'active'; readonly epoch: number }
  /** `userId`: who was signed in when it expired (null if nobody knew), the only one whose work may resume. */
  | { readonly status: 'expired'; readonly epoch: number; readonly userId: string | null };

/** What happened to the session, for whoever keeps other tabs in step. */
export type SessionEvent =
  | { type: 'expired'; userId: string | null }
  | { type: 'signed-in'; userId: string }
  | { type: 'signed-out' };

/** Whether this tab saw it happen, or was told by another tab (which must not be told back). */
export type SessionEventOrigin = 'this-tab' | 'other-tab';

/** What a sign-in did to the work waiting on the gate. */
export type SignInOutcome = 'resumed' | 'discarded' | 'none';

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

type EventListener = (event: SessionEvent, origin: SessionEventOrigin) => void;

let state: SessionGateState = { status: 'active', epoch: 0 };
const waiters = new Set<Waiter>();
const listeners = new Set<EventListener>();
let currentUserId: () => string | null = () => null;

/** Tells the gate how to find who is signed in (the session query's user), so an expiry remembers whom it was for. */
export function identifySessionUser(lookup: () => string | null): void {
  currentUserId = lookup;
}

export function getSessionGate(): SessionGateState {
  return state;
}

/** For `useSyncExternalStore`: called after every change of state. */
export function subscribeToSessionGate(listener: () => void): () => void {
  const wrapped: EventListener = () => listener();
  listeners.add(wrapped);
  return () => listeners.delete(wrapped);
}

/** Every expiry, sign-in and sign-out that went through the gate, with where it came from. */
export function onSessionEvent(listener: EventListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The session has ended: show the banner, hold requests. Idempotent. Anything that learns of an ended session
 * calls this: the fetch client on a 401 `session_expired`, the realtime layer on a close with code 4401.
 *
 * `observedInEpoch` is the epoch a request was sent in: if the session was restored since, its 401 is old news
 * about the previous session and changes nothing (the request just goes out again).
 */
export function markSessionExpired(options: { origin?: SessionEventOrigin; observedInEpoch?: number } = {}): void {
  if (options.observedInEpoch !== undefined && options.observedInEpoch !== state.epoch) return;
  if (state.status === 'expired') return;
  state = { status: 'expired', epoch: state.epoch, userId: currentUserId() };
  emit({ type: 'expired', userId: state.userId }, options.origin ?? 'this-tab');
}

/**
 * Resolves at once while the session is active; while it is expired, once the same person has signed in again.
 * Rejects when the waiting work is discarded (someone else signed in, or signed out) and when `signal` aborts.
 */
export function waitForActiveSession(signal?: AbortSignal | null): Promise<void> {
  if (state.status === 'active') return Promise.resolve();
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      waiters.delete(waiter);
      reject(signal?.reason);
    };
    const waiter: Waiter = {
      resolve: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      reject: (reason) => {
        signal?.removeEventListener('abort', onAbort);
        reject(reason);
      },
    };
    waiters.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Requests currently waiting for the session (for tests and for telling the person what will resume). */
export function waitingRequestCount(): number {
  return waiters.size;
}

/**
 * Someone signed in (in the dialog, on the sign-in page, or in another tab). The caller must already have put the
 * new session (and its CSRF token) where the fetch client reads it, because resumed requests go out at once.
 * Same person as the expired session: the waiting requests resume. Anyone else: they are rejected.
 */
export function sessionSignedIn(userId: string, options: { origin?: SessionEventOrigin } = {}): SignInOutcome {
  let outcome: SignInOutcome = 'none';
  if (state.status === 'expired') {
    outcome = state.userId !== null && state.userId === userId ? 'resumed' : 'discarded';
  }
  state = { status: 'active', epoch: state.epoch + 1 };
  if (outcome === 'resumed') settleWaiters((waiter) => waiter.resolve());
  if (outcome === 'discarded') settleWaiters((waiter) => waiter.reject(discarded('You signed in as someone else, so this was not sent.')));
  emit({ type: 'signed-in', userId }, options.origin ?? 'this-tab');
  return outcome;
}

/** Signed out (here or in another tab): whatever waited for the old session is rejected; the guards take over. */
export function sessionSignedOut(options: { origin?: SessionEventOrigin } = {}): void {
  state = { status: 'active', epoch: state.epoch + 1 };
  settleWaiters((waiter) => waiter.reject(discarded('You signed out, so this was not sent.')));
  emit({ type: 'signed-out' }, options.origin ?? 'this-tab');
}

function settleWaiters(settle: (waiter: Waiter) => void): void {
  const settling = [...waiters];
  waiters.clear();
  for (const waiter of settling) settle(waiter);
}

function discarded(message: string): ApiError {
  return new ApiError({ status: 401, code: 'session_expired', message });
}

function emit(event: SessionEvent, origin: SessionEventOrigin): void {
  for (const listener of [...listeners]) listener(event, origin);
}
