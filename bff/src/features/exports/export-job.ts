import { and, count, eq, sql } from 'drizzle-orm';
import { createExportBodySchema, type ExportFile } from '#shared/contracts/jobs.ts';
import type { Database } from '../../db/client.ts';
import { exportFiles, snips, users } from '../../db/schema.ts';
import { JobFailure, type JobResult, type RunningJob } from '../jobs/job-lifecycle.ts';
import { snipsVisibleTo } from '../snips/policy.ts';
import { newestFirst, olderThan, snipFilterCondition, toSnipFields, type Keyset } from '../snips/queries.ts';

/** An export is built in memory and kept in the database: past this many snips or bytes, narrow it with filters. */
export const maxSnipsPerExport = 10_000;
export const maxExportMegabytes = 25;
const batchSize = 100;

export const exportFileName = (workspaceName: string, at: Date) =>
  `${workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace'}-snips-${at.toISOString().slice(0, 10)}.json`;

/**
 * Writes the snips the job's owner can see now, in its workspace, filtered as they asked, to one JSON file.
 * Reads in keyset batches and reports progress after each; a redelivery starts over and overwrites the file.
 */
export async function exportSnips(db: Database, job: RunningJob, now: () => Date): Promise<JobResult> {
  const input = createExportBodySchema.safeParse(job.input);
  if (!input.success) throw new JobFailure('This export’s settings are no longer understood. Start a new export.');
  const { actor } = job;
  const selected = and(snipsVisibleTo(actor), eq(snips.workspaceId, actor.workspaceId), snipFilterCondition(input.data.filters));
  const [{ total, bytes } = { total: 0, bytes: 0 }] = await db
    .select({ total: count(), bytes: sql<number>`coalesce(sum(octet_length(${snips.title}) + octet_length(${snips.body})), 0)::float8` })
    .from(snips)
    .where(selected);
  if (total > maxSnipsPerExport) {
    throw new JobFailure(`This export would hold ${total} snips; at most ${maxSnipsPerExport} fit in one. Narrow it with filters.`);
  }
  // Snips are up to 100,000 characters each: ten thousand of them would be a gigabyte.
  if (bytes > maxExportMegabytes * 1024 * 1024) {
    throw new JobFailure(`This export would be larger than ${maxExportMegabytes} MB. Narrow it with filters.`);
  }
  await job.progress(0, total);

  const exported: ExportFile['snips'] = [];
  let after: Keyset | undefined;
  for (;;) {
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
      .where(and(selected, after && olderThan(after)))
      .orderBy(...newestFirst)
      .limit(batchSize);
    exported.push(...batch.map(toSnipFields));
    const last = batch.at(-1);
    // Snips added while exporting may push the count past the first total.
    await job.progress(exported.length, Math.max(total, exported.length));
    if (!last || batch.length < batchSize) break;
    after = last;
  }

  const exportedAt = now();
  const file: ExportFile = {
    format: 'snipdesk-export',
    version: 1,
    exportedAt: exportedAt.toISOString(),
    workspace: { id: actor.workspaceId, name: actor.workspaceName },
    snips: exported,
  };
  const row = { jobId: job.id, fileName: exportFileName(actor.workspaceName, exportedAt), body: JSON.stringify(file, null, 2) };
  return async (tx) => {
    await tx.insert(exportFiles).values(row).onConflictDoUpdate({ target: exportFiles.jobId, set: { fileName: row.fileName, body: row.body } });
  };
}
