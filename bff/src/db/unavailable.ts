/** The database did not answer in time: no free connection, or a connection that went silent. Answered as 503. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Raised by the socket, or by postgres.js for a connection that failed, timed out or was closed under a query. */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

/**
 * SQLSTATEs that mean the server is down, going down or overloaded, not that the query was wrong: class 08
 * (connection exception), 53300 too many connections, 57014 query cancelled (the statement timeout, or our cancel
 * after waiting too long), 57P01-57P03 shutdown or start-up, 25P03 idle-in-transaction timeout.
 */
const unavailableSqlStates = new Set(['53300', '57014', '57P01', '57P02', '57P03', '25P03']);

/**
 * Whether an error means "the database is unreachable, stalled or overloaded", to be answered 503 so clients retry.
 * drizzle wraps the driver's error in `cause`, so the chain is followed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof DatabaseUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (connectionErrorCodes.has(code) || unavailableSqlStates.has(code) || code.startsWith('08')) return true;
  }
  return false;
}
