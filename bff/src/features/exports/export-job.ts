import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { and, count, eq, inArray, notExists } from 'drizzle-orm';
import { createExportBodySchema } from '#shared/contracts/jobs.ts';
import type { Database } from '../../db/client.ts';
import { exportFileChunks, exportFiles, jobs, snips, users } from '../../db/schema.ts';
import { JobFailure, type JobResult, type RunningJob } from '../jobs/job-lifecycle.ts';
import { jobsVisibleTo } from '../jobs/policy.ts';
import { snipsVisibleTo } from '../snips/policy.ts';
import { newestFirst, olderThan, snipFilterCondition, toSnipFields } from '../snips/queries.ts';

/** An export is kept in the database: past this many snips or bytes, narrow it with filters. */
export const maxSnipsPerExport = 10_000;
export const maxExportMegabytes = 25;
/**
 * Progress is recorded about this often (in rows), being a statement too. The rows read per statement are the
 * `export-read-batch-size` flag: small, because on PGlite every request's queries wait for the statement running
 * before them (at 25 rows one batch takes a few milliseconds).
 */
const progressEvery = 100;
const idPageSize = 500;

export const exportFileName = (workspaceName: string, at: Date) =>
  `${workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace'}-snips-${at.toISOString().slice(0, 10)}.json`;

/** About this much of the file's text goes in one chunk: one short statement on the connection, a few milliseconds. */
const chunkCharacters = 256 * 1024;

/**
 * Writes a file's text to `export_file_chunks` as it is produced, a chunk per statement, under this delivery's id.
 * A chunk is the text gathered since the last one once it reaches `chunkCharacters` (it can overshoot by one snip).
 */
function chunkedFile(db: Database, jobId: string) {
  const delivery = randomUUID();
  let pending: string[] = [];
  let pendingCharacters = 0;
  let chunks = 0;
  let byteSize = 0;
  const flush = async () => {
    const body = pending.join('');
    pending = [];
    pendingCharacters = 0;
    byteSize += Buffer.byteLength(body);
    await db.insert(exportFileChunks).values({ jobId, delivery, seq: chunks++, body });
    await yieldToEventLoop();
  };
  return {
    delivery,
    async append(text: string) {
      pending.push(text);
      pendingCharacters += text.length;
      if (pendingCharacters >= chunkCharacters) await flush();
    },
    /** Writes what is left; says how many chunks and bytes the file has. */
    async end() {
      if (pendingCharacters > 0) await flush();
      return { chunks, byteSize };
    },
    /** Deletes what this delivery wrote: its export failed or stopped, and no file will point at these chunks. */
    discard: () => db.delete(exportFileChunks).where(and(eq(exportFileChunks.jobId, jobId), eq(exportFileChunks.delivery, delivery))),
  };
}

/**
 * Writes the snips the job's owner can see now, in its workspace, filtered as they asked, to one JSON file.
 * Reads in batches and reports progress after each; a redelivery starts over, with chunks of its own. The finishing
 * transaction only stores the small `export_files` row pointing at them: the file is whole, or not there.
 *
 * On PGlite the database runs in this thread and its queries resolve without giving the event loop a turn, so the
 * export takes its turns explicitly: it yields after every batch and every chunk, and writes the file a chunk per
 * statement as it goes, so that no step holds the thread (and the one connection) for long while requests wait.
 */
export async function exportSnips(db: Database, job: RunningJob, { now, batchSize }: { now: () => Date; batchSize: number }): Promise<JobResult> {
  const input = createExportBodySchema.safeParse(job.input);
  if (!input.success) throw new JobFailure('This export’s settings are no longer understood. Start a new export.');
  const { actor } = job;
  const selected = and(snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId), snipFilterCondition(input.data.filters));
  // The snips to export, chosen first, a page of ids at a time; then each batch reads its rows by primary key. A
  // keyset over the full rows made every batch scan the workspace and sort what was left of it (EXPLAIN on PGlite).
  const chosen: { id: string; createdAt: Date }[] = [];
  for (;;) {
    const after = chosen.at(-1);
    const page = await db
      .select({ id: snips.id, createdAt: snips.createdAt })
      .from(snips)
      .where(and(selected, after && olderThan(after)))
      .orderBy(...newestFirst)
      .limit(idPageSize);
    chosen.push(...page);
    if (chosen.length > maxSnipsPerExport) {
      const [{ total } = { total: chosen.length }] = await db.select({ total: count() }).from(snips).where(selected);
      throw new JobFailure(`This export would hold ${total} snips; at most ${maxSnipsPerExport} fit in one. Narrow it with filters.`);
    }
    if (page.length < idPageSize) break;
    await yieldToEventLoop();
  }
  await job.progress(0, chosen.length);

  // Chunks of deliveries that died before they could clear theirs; never those of a file that was stored (a delivery
  // taken for dead may have finished the job since this one started).
  const storedFile = db
    .select({ jobId: exportFiles.jobId })
    .from(exportFiles)
    .innerJoin(jobs, eq(jobs.id, exportFiles.jobId))
    .where(and(jobsVisibleTo(actor), eq(exportFiles.jobId, exportFileChunks.jobId), eq(exportFiles.delivery, exportFileChunks.delivery)));
  await db.delete(exportFileChunks).where(and(eq(exportFileChunks.jobId, job.id), notExists(storedFile)));

  // The file as `JSON.stringify(file, null, 2)` writes it, each snip pretty-printed two levels deep as it sits in the
  // file's list, written out as the batches come.
  const exportedAt = now();
  const header = { format: 'snipdesk-export', version: 1, exportedAt: exportedAt.toISOString(), workspace: { id: actor.workspaceId, name: actor.workspaceName } } as const;
  const file = chunkedFile(db, job.id);
  let written: { chunks: number; byteSize: number };
  try {
    await file.append(JSON.stringify({ ...header, snips: [] }, null, 2).slice(0, -'[]\n}'.length));
    let exported = 0;
    let bytes = 0;
    for (let start = 0; start < chosen.length; start += batchSize) {
      const ids = chosen.slice(start, start + batchSize).map((snip) => snip.id);
      // Read through the scope again: a snip deleted or made private since it was chosen is left out.
      const batch = await db
        .select({
          id: snips.id,
          title: snips.title,
          body: snips.body,
          language: snips.language,
          tags: snips.tags,
          visibility: snips.visibility,
          authorId: snips.authorId,
          authorName: users.name,
          createdAt: snips.createdAt,
          updatedAt: snips.updatedAt,
        })
        .from(snips)
        .innerJoin(users, eq(users.id, snips.authorId))
        .where(and(selected, inArray(snips.id, ids)))
        .orderBy(...newestFirst);
      for (const row of batch) {
        bytes += Buffer.byteLength(row.title) + Buffer.byteLength(row.body);
        // JSON strings hold no raw line breaks: every one is between tokens, where the indent goes.
        await file.append(`${exported++ === 0 ? '[' : ','}\n    ${JSON.stringify(toSnipFields(row), null, 2).replaceAll('\n', '\n    ')}`);
      }
      // Snips are up to 100,000 characters each: ten thousand of them would be a gigabyte. Counted as they are read,
      // so a file that would be too large stops at the batch that crosses the limit.
      if (bytes > maxExportMegabytes * 1024 * 1024) {
        throw new JobFailure(`This export would be larger than ${maxExportMegabytes} MB. Narrow it with filters.`);
      }
      const done = Math.min(start + batchSize, chosen.length);
      if (Math.floor(done / progressEvery) > Math.floor(start / progressEvery) || done === chosen.length) await job.progress(done, chosen.length);
      await yieldToEventLoop();
    }
    await file.append(exported === 0 ? '[]\n}' : '\n  ]\n}');
    written = await file.end();
  } catch (error) {
    // Best effort: with the database gone the delete fails too, and the next delivery clears what is left.
    await file.discard().catch(() => undefined);
    throw error;
  }

  const { chunks, byteSize } = written;
  const row = { jobId: job.id, fileName: exportFileName(actor.workspaceName, exportedAt), delivery: file.delivery, byteSize };
  return async (tx) => {
    // A delivery taken for dead (its lease lost) may still get here after the one that replaced it cleared its
    // chunks: a file missing some is never stored.
    const [stored] = await tx
      .select({ chunks: count() })
      .from(exportFileChunks)
      .where(and(eq(exportFileChunks.jobId, job.id), eq(exportFileChunks.delivery, file.delivery)));
    if (stored?.chunks !== chunks) throw new Error(`Export ${job.id}: ${stored?.chunks ?? 0} of its ${chunks} chunks are left.`);
    await tx.insert(exportFiles).values(row);
  };
}
