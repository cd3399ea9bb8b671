import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { and, eq, lt, sql } from 'drizzle-orm';
import { idempotencyHeader } from '#shared/contracts/session.ts';
import type { Database } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema.ts';
import { AppError } from './errors.ts';
import { actorOf } from './session.ts';

export type IdempotentResult<T> = { statusCode: number; body: T };

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Runs a change so that a request retried with the same `Idempotency-Key` lands exactly once: the change and
     * its response are stored in one transaction, and a retry gets the stored response back. `work` must do all
     * its reads and writes through the database it is given. Without the header, `work` runs in a transaction of its own.
     */
    idempotently<T>(request: FastifyRequest, reply: FastifyReply, work: (db: Database) => Promise<IdempotentResult<T>>): Promise<T>;
  }
}

/** Long enough for any retry after signing in again; short enough that the table stays small. */
const retentionMs = 24 * 3_600_000;
const keyPattern = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

async function idempotencyPlugin(fastify: FastifyInstance) {
  const { db, clock } = fastify;

  fastify.decorate('idempotently', async function idempotently<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (db: Database) => Promise<IdempotentResult<T>>,
  ): Promise<T> {
    const key = request.headers[idempotencyHeader];
    if (key === undefined) {
      // Without a key the work is still one transaction: a request lands whole or not at all, either way.
      const result = await db.transaction(work);
      reply.code(result.statusCode);
      return result.body;
    }
    if (typeof key !== 'string' || !keyPattern.test(key)) {
      throw new AppError(400, 'invalid_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
    }
    const { userId } = actorOf(request);
    const fingerprint = sha256(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).toString('base64url');
    const now = clock.now();

    return db.transaction(async (tx) => {
      // Two retries of one request arriving together: the second waits here until the first has committed.
      const lockId = sha256(`${userId}\n${key}`).readBigInt64BE(0);
      await tx.execute(sql`select pg_advisory_xact_lock(${lockId.toString()}::bigint)`);
      const stored = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      const previous = stored[0];
      if (previous && previous.createdAt.getTime() > now.getTime() - retentionMs) {
        if (previous.fingerprint !== fingerprint) {
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
        }
        reply.code(previous.statusCode).header('idempotent-replayed', 'true');
        return previous.body as T;
      }
      const result = await work(tx);
      await tx.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - retentionMs)));
      await tx.insert(idempotencyKeys).values({ userId, key, fingerprint, statusCode: result.statusCode, body: result.body, createdAt: now });
      reply.code(result.statusCode);
      return result.body;
    });
  });
}

export default fp(idempotencyPlugin, { name: 'idempotency', dependencies: ['database', 'session'] });
