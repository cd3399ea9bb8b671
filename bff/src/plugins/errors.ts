import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiErrorBody, ErrorCode } from '#shared/contracts/errors.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';

/** An error meant for the client: its status, code and message are sent as they are. */
export class AppError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, code: ErrorCode, message: string, options: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'AppError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what = 'The resource') => new AppError(404, 'not_found', `${what} was not found.`);

export function errorBody(code: ErrorCode, message: string, details?: unknown): ApiErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The logger's `err` serializer. A failed query carries its parameters (drizzle's `params`, which its message and
 * stack repeat) and a database's message or detail may quote a value: a user's text either way. So a query error
 * is logged by its SQL and where it was thrown, a database error by its SQLSTATE and the names of what it concerns.
 */
export function serializeError(error: unknown): { [key: string]: unknown; type: string; message: string; stack: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error), stack: '' };
  const fields = error as Error & Record<string, unknown>;
  const cause = error.cause === undefined ? {} : { cause: serializeError(error.cause) };
  if (typeof fields.severity === 'string' && typeof fields.routine === 'string') {
    const named = ['code', 'severity', 'routine', 'table', 'table_name', 'column', 'column_name', 'constraint', 'constraint_name'];
    const concerns = Object.fromEntries(named.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]]));
    return { type: error.constructor.name, message: 'Database error', stack: '', ...concerns };
  }
  if (typeof fields.query === 'string' && 'params' in fields) {
    const stack = error.stack ?? '';
    const header = `${error.name}: ${error.message}\n`;
    return { type: error.constructor.name, message: 'Failed query', query: fields.query, stack: stack.startsWith(header) ? stack.slice(header.length) : '', ...cause };
  }
  const code = fields.code === undefined ? {} : { code: fields.code };
  return { type: error.constructor.name, message: error.message, stack: error.stack ?? '', ...code, ...cause };
}

/** Fastify's own client errors, translated into the API's error shape. */
const frameworkErrors: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The request body is empty but declared as JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'Content-Length does not match the body.' },
};

async function errorsPlugin(fastify: FastifyInstance) {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.statusCode).headers(error.headers).send(errorBody(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.flatMap((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        // A strict object's unknown keys are one issue at the object: name each key as the field it is.
        const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[]) : [];
        if (unknownKeys.length > 0) {
          return unknownKeys.map((key) => ({ location: error.validationContext, path: path ? `${path}.${key}` : key, message: 'This request does not take this field.' }));
        }
        return [{ location: error.validationContext, path, message: issue.message }];
      });
      const fields = issues.map((issue) => issue.path || issue.location).join(', ');
      return reply.code(400).send(errorBody('invalid_request', `The request is invalid: ${fields}.`, { issues }));
    }
    const known = error.code ? frameworkErrors[error.code] : undefined;
    if (known) return reply.code(known.status).send(errorBody(known.code, known.message));
    if (error.statusCode === 429) {
      return reply.code(429).send(errorBody('rate_limited', 'Too many requests; try again later.'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('invalid_request', error.message));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '2')
        .send(errorBody('service_unavailable', 'The service is briefly unavailable. Please try again in a moment.'));
    }
    // Anything else is our fault: log it whole, tell the client nothing about the internals.
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('internal_error', 'Something went wrong on our side. Please try again.'));
  });
}

export default fp(errorsPlugin, { name: 'errors' });
