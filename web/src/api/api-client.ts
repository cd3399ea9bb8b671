import type { z } from 'zod';
import { apiErrorSchema } from '#shared/contracts/errors.ts';
import { csrfHeader } from '#shared/contracts/session.ts';
import { ApiError } from './api-error.ts';

/**
 * The one fetch client of the SPA. Feature fetchers call `apiRequest`; nothing else calls `fetch`.
 * It adds the CSRF header to unsafe requests, turns every failure into an `ApiError`, validates successful
 * bodies against their contract, and is the single place that sees every 401.
 */

export interface ApiClientHooks {
  /** The CSRF token of the current session. `refresh: true` asks for a fresh one after the server rejected it. */
  csrfToken(options: { refresh: boolean }): Promise<string>;
  /** Called once for every 401 `unauthenticated` / `session_expired`, before the request rejects. */
  onUnauthorized(error: ApiError): void;
}

const unconfigured: ApiClientHooks = {
  csrfToken: () => Promise.reject(new Error('configureApiClient() was not called')),
  onUnauthorized: () => {},
};
let hooks: ApiClientHooks = unconfigured;

/** Wired once at start-up (app/app-shell.ts), where the query cache and the router are known. */
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

  let response = await send(url, method, options, unsafe ? await hooks.csrfToken({ refresh: false }) : undefined);
  let error = response.ok ? undefined : await readError(response);

  // A token can go stale (signed in or out in another tab): fetch a fresh one and try exactly once more.
  if (unsafe && error?.code === 'csrf_failed') {
    response = await send(url, method, options, await hooks.csrfToken({ refresh: true }));
    error = response.ok ? undefined : await readError(response);
  }

  if (error) {
    if (error.status === 401 && unauthorizedCodes.has(error.code)) hooks.onUnauthorized(error);
    throw error;
  }
  if (!options.schema) return;
  return parseBody(response, options.schema);
}

async function send(url: string, method: string, options: ApiRequestOptions, csrfToken: string | undefined) {
  const headers = new Headers({ accept: 'application/json' });
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (csrfToken !== undefined) headers.set(csrfHeader, csrfToken);
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

async function readError(response: Response): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const json: unknown = await response.json().catch(() => undefined);
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

async function parseBody<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  const json: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  console.error('Response does not match its contract', response.url, parsed.error.issues);
  throw new ApiError({
    status: response.status,
    code: 'invalid_response',
    message: 'Snipdesk answered in an unexpected format.',
  });
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
