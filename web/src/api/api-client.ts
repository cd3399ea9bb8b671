import type { z } from 'zod';
import { apiErrorSchema } from '#shared/contracts/errors.ts';
import { csrfHeader, idempotencyHeader } from '#shared/contracts/session.ts';
import { ApiError } from './api-error.ts';
import { getSessionGate, markSessionExpired, waitForActiveSession } from './session-gate.ts';

/**
 * The one fetch client of the SPA. Feature fetchers call `apiRequest`; nothing else calls `fetch`.
 * It adds the CSRF header and an Idempotency-Key to unsafe requests, turns every failure into an `ApiError`,
 * validates successful bodies against their contract, and is the single place that sees every 401.
 *
 * An ended session does not fail requests: on a 401 `session_expired` the client marks the session gate
 * expired (the banner appears) and holds the request, its promise unsettled, until the same person has signed
 * in again; then it sends it once more, with the same Idempotency-Key (so a write lands exactly once) and the
 * new session's CSRF token. While the gate is expired, new requests wait before they are sent at all.
 *
 * Holding requests here is how queries pause while the session is expired, instead of react-query's
 * onlineManager: one mechanism for queries, loaders and mutations alike; react-query never sees a failure, so
 * nothing retries, no error boundary replaces the page, and a focus refetch joins the query already waiting
 * (refetch-on-focus does not cancel a running fetch) rather than going out. Nothing reaches the network until
 * the session is back.
 */

export interface ApiClientHooks {
  /** The CSRF token of the current session. `refresh: true` asks for a fresh one after the server rejected it. */
  csrfToken(options: { refresh: boolean }): Promise<string>;
  /**
   * Called for every 401 `unauthenticated` / `session_expired` response, before the request rejects or (an
   * expired session) waits for the person to sign in again.
   */
  onUnauthorized(error: ApiError): void;
}

const unconfigured: ApiClientHooks = {
  csrfToken: () => Promise.reject(new Error('configureApiClient() was not called')),
  onUnauthorized: () => {},
};
let hooks: ApiClientHooks = unconfigured;

/** Wired once at start-up (app/api-session.ts), where the query cache and the router are known. */
export function configureApiClient(next: ApiClientHooks): void {
  hooks = next;
}

type SafeMethod = 'GET' | 'HEAD';
type UnsafeMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequestOptions {
  method?: SafeMethod | UnsafeMethod;
  /** Serialized as JSON. */
  body?: unknown;
  /** Appended as a query string; null and undefined values are left out. */
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal;
  /**
   * False for the few requests that must go out while the session is expired: reading the session and signing
   * in or out. Everything else (the default) waits for the session and is held on a 401 `session_expired`.
   */
  needsSession?: boolean;
}


const unauthorizedCodes = new Set(['unauthenticated', 'session_expired']);

export function apiRequest<T>(path: string, options: ApiRequestOptions & { schema: z.ZodType<T> }): Promise<T>;
export function apiRequest(path: string, options?: ApiRequestOptions): Promise<void>;
export async function apiRequest<T>(
  path: string,
  options: ApiRequestOptions & { schema?: z.ZodType<T> } = {},
): Promise<T | void> {
  const method = options.method ?? 'GET';
  const unsafe = method !== 'GET' && method !== 'HEAD';
  const url = withQuery(path, options.query);
  const gated = options.needsSession !== false;
  // One key per call, reused by every retry of it: the CSRF retry and the re-send after signing in again.
  const idempotencyKey = unsafe ? newIdempotencyKey() : undefined;
  let heldForSession = false;

  for (;;) {
    if (gated) await waitForActiveSession(options.signal);
    const sentInEpoch = getSessionGate().epoch;
    const csrfToken = unsafe ? await hooks.csrfToken({ refresh: false }) : undefined;
    let response = await send(url, method, options, csrfToken, idempotencyKey);
    let error = response.ok ? undefined : await readError(response, options.signal);

    // A token can go stale (signed in or out in another tab): fetch a fresh one and try exactly once more.
    if (unsafe && error?.code === 'csrf_failed') {
      response = await send(url, method, options, await hooks.csrfToken({ refresh: true }), idempotencyKey);
      error = response.ok ? undefined : await readError(response, options.signal);
    }

    if (!error) {
      if (!options.schema) return;
      return parseBody(response, options.schema, options.signal);
    }
    if (error.status === 401 && unauthorizedCodes.has(error.code)) hooks.onUnauthorized(error);
    if (gated && error.status === 401 && error.code === 'session_expired') {
      markSessionExpired({ observedInEpoch: sentInEpoch });
      // Held once: wait for the person to sign in again, then send it again. A second expiry is an answer.
      if (!heldForSession) {
        heldForSession = true;
        continue;
      }
    }
    throw error;
  }
}

/** A random UUID; `crypto.randomUUID` exists only in secure contexts, so plain-http hosts build one themselves. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function send(
  url: string,
  method: string,
  options: ApiRequestOptions,
  csrfToken: string | undefined,
  idempotencyKey: string | undefined,
) {
  const headers = new Headers({ accept: 'application/json' });
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (csrfToken !== undefined) headers.set(csrfHeader, csrfToken);
  if (idempotencyKey !== undefined) headers.set(idempotencyHeader, idempotencyKey);
  try {
    return await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    // An abort is not a failure of the request: let react-query and the router see it as one.
    if (options.signal?.aborted) throw cause;
    throw new ApiError({ status: 0, code: 'network_error', message: 'The network request failed.' });
  }
}

async function readError(response: Response, signal: AbortSignal | undefined): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const json = await readJson(response, signal);
  const parsed = apiErrorSchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError({ status: response.status, code, message, details, retryAfterSeconds });
  }
  // Not our JSON envelope (a proxy, a crash page): keep the status, name the class of failure.
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? 'service_unavailable' : 'http_error',
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    retryAfterSeconds,
  });
}

async function parseBody<T>(response: Response, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
  const json = await readJson(response, signal);
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  console.error('Response does not match its contract', response.url, parsed.error.issues);
  throw new ApiError({
    status: response.status,
    code: 'invalid_response',
    message: 'Snipdesk answered in an unexpected format.',
  });
}

/**
 * The body as JSON, or undefined when it is not JSON. An abort while the body is still arriving (react-query cancels
 * a refetch when the query is invalidated again) stays an abort: it is not an answer in an unexpected format.
 */
async function readJson(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    signal?.throwIfAborted();
    return undefined;
  }
}

function withQuery(path: string, query: ApiRequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
