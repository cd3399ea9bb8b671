import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { createExportBodySchema, type ExportFile } from '#shared/contracts/jobs.ts';
import type { Database } from '../../db/client.ts';
import { exportFiles, snips, users } from '../../db/schema.ts';
import { JobFailure, type JobResult, type RunningJob } from '../jobs/job-lifecycle.ts';
import { snipsVisibleTo } from '../snips/policy.ts';
import { newestFirst, snipFilterCondition, toSnipFields } from '../snips/queries.ts';

/** An export is built in memory and kept in the database: past this many snips or bytes, narrow it with filters. */
export const maxSnipsPerExport = 10_000;
export const maxExportMegabytes = 25;
/**
 * Rows read per statement. Small, because on PGlite every request's queries wait for the statement running before
 * them: at 25 rows one batch takes a few milliseconds. Progress is recorded less often, being a statement too.
 */
const batchSize = 25;
const progressEvery = 100;
const idPageSize = 500;

export const exportFileName = (workspaceName: string, at: Date) =>
  `${workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace'}-snips-${at.toISOString().slice(0, 10)}.json`;

/** The file as `JSON.stringify(file, null, 2)` writes it, from the snips already serialized at their depth. */
function exportFileText(header: Omit<ExportFile, 'snips'>, serializedSnips: string[]): string {
  const opening = JSON.stringify({ ...header, snips: [] }, null, 2).slice(0, -'[]\n}'.length);
  if (serializedSnips.length === 0) return `${opening}[]\n}`;
  return `${opening}[\n    ${serializedSnips.join(',\n    ')}\n  ]\n}`;
}

/**
 * Writes the snips the job's owner can see now, in its workspace, filtered as they asked, to one JSON file.
 * Reads in batches and reports progress after each; a redelivery starts over and overwrites the file.
 *
 * On PGlite the database runs in this thread and its queries resolve without giving the event loop a turn, so the
 * export takes its turns explicitly: it yields after every batch and serializes each batch as it comes, so that no
 * step holds the thread (and the one connection) for long while requests wait.
 */
export async function exportSnips(db: Database, job: RunningJob, now: () => Date): Promise<JobResult> {
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
      .where(and(selected, after && sql`(${snips.createdAt}, ${snips.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`))
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

  // Each snip pretty-printed two levels deep, as it sits in the file's list.
  const serializedSnips: string[] = [];
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
      serializedSnips.push(JSON.stringify(toSnipFields(row), null, 2).replaceAll('\n', '\n    '));
    }
    // Snips are up to 100,000 characters each: ten thousand of them would be a gigabyte. Counted as they are read,
    // so a file that would be too large stops at the batch that crosses the limit.
    if (bytes > maxExportMegabytes * 1024 * 1024) {
      throw new JobFailure(`This export would be larger than ${maxExportMegabytes} MB. Narrow it with filters.`);
    }
    const done = Math.min(start + batchSize, chosen.length);
    if (done % progressEvery === 0 || done === chosen.length) await job.progress(done, chosen.length);
    await yieldToEventLoop();
  }

  const exportedAt = now();
  const header = { format: 'snipdesk-export', version: 1, exportedAt: exportedAt.toISOString(), workspace: { id: actor.workspaceId, name: actor.workspaceName } } as const;
  const row = { jobId: job.id, fileName: exportFileName(actor.workspaceName, exportedAt), body: exportFileText(header, serializedSnips) };
  return async (tx) => {
    await tx.insert(exportFiles).values(row).onConflictDoUpdate({ target: exportFiles.jobId, set: { fileName: row.fileName, body: row.body } });
  };
}
