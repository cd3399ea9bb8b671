import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFileSchema, type Job } from '#shared/contracts/jobs.ts';
import { asc, eq } from 'drizzle-orm';
import { exportFileChunks, snips } from '../../db/schema.ts';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp } from '../../test-app.ts';
import { openSocket } from '../../test-socket.ts';

const [owner] = demoAccounts;
const exportedSnips = 5_000;
/** About a kilobyte of code per snip, with the quotes and line breaks that JSON has to escape. */
const body = Array.from({ length: 24 }, (_, line) => `  const value${line} = "line ${line}"; // keep\n`).join('');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

describe('the database stays responsive while an export runs', () => {
  let test: TestApp;
  let origin: string;
  beforeAll(async () => {
    test = await startTestApp();
    origin = await test.listen();
    const rows = Array.from({ length: exportedSnips }, (_, i) => ({
      workspaceId: owner!.workspaceId, authorId: owner!.id, title: `Bulk ${i}`, body, language: 'typescript' as const, visibility: 'workspace' as const,
    }));
    for (let i = 0; i < rows.length; i += 500) await test.app.db.insert(snips).values(rows.slice(i, i + 500));
  }, 60_000);
  afterAll(() => test.close());

  it('serves a snip within 250 ms (p99), and every one well within the connection wait, during an export of 5,000 snips', { timeout: 120_000 }, async () => {
    const client = await test.signIn(owner!.email);
    const snipId = (await client.request({ method: 'GET', url: '/api/snips?limit=1' })).json<{ items: { id: string }[] }>().items[0]!.id;
    const job = (await client.request({ method: 'POST', url: '/api/exports', payload: {} })).json<Job>();
    const socket = await openSocket(origin, client);
    socket.send({ v: 1, type: 'subscribe', stream: `job:${job.id}` });
    await socket.next((message) => message.type === 'snapshot');
    let finished = false;
    const done = socket
      .next((message) => (message.type === 'update' || message.type === 'snapshot') && message.state.kind === 'job' && message.state.status === 'succeeded')
      .then(() => (finished = true));

    // The queued job starts as the workers do: every read from here on waits on the export, or should not.
    await test.app.jobs.startWorkers();
    // Read one snip after another over real HTTP, as a person clicking around would, for as long as the export runs.
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const latencies: number[] = [];
    while (!finished) {
      const started = performance.now();
      const response = await fetch(`${origin}/api/snips/${snipId}`, { headers: { cookie } });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      expect(response.status).toBe(200);
    }
    await done;
    socket.ws.close();

    const sorted = latencies.toSorted((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const slowest = `over ${latencies.length} reads, the slowest ${sorted.slice(-5).map((ms) => ms.toFixed(0)).join(', ')} ms`;
    expect(p99, `p99 ${slowest}`).toBeLessThan(250);
    // One long statement of the export (the whole file written at once took 0.25-1.7 s) makes one read wait that long,
    // and past the 1 s connection wait it is a 503. Half of that bound leaves room for a loaded machine.
    expect(sorted.at(-1)!, `max ${slowest}`).toBeLessThan(500);
    // Without enough reads during the export the bound would prove nothing.
    expect(latencies.length).toBeGreaterThanOrEqual(20);

    // The file, written batch by batch, is the same JSON as before, all of it.
    const file = await client.request({ method: 'GET', url: `/api/exports/${job.id}/file` });
    const exported = exportFileSchema.parse(file.json());
    expect(exported.snips).toHaveLength(exportedSnips + 8); // and the owner's eight visible demo snips
    expect(file.body).toBe(JSON.stringify(exported, null, 2));
    expect(file.headers['content-length']).toBe(String(Buffer.byteLength(file.body)));
    // Stored as it was written, a chunk per short statement, in order: together they are the file, byte for byte.
    const chunks = await test.app.db.select().from(exportFileChunks).where(eq(exportFileChunks.jobId, job.id)).orderBy(asc(exportFileChunks.seq));
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_, seq) => seq));
    expect(Math.max(...chunks.map((chunk) => chunk.body.length))).toBeLessThan(512 * 1024);
    expect(chunks.map((chunk) => chunk.body).join('')).toBe(file.body);
  });
});
