import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Runs `work` while no other test of this run holds the lock `name`, across workers.
 *
 * For the few journeys that change data shared by every test and cannot be made unique, such as the membership
 * of a demo account in a demo workspace: two copies of such a test (`--repeat-each`, or two specs) must not
 * interleave. The lock is a directory (mkdir is atomic) in this run's output folder, which Playwright empties
 * at the start of every run, so a lock left behind by a crashed worker does not outlive the run.
 */
export async function exclusively<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = join(test.info().project.outputDir, '.locks');
  await mkdir(locks, { recursive: true });
  const lock = join(locks, name);
  await expect(async () => {
    await mkdir(lock);
  }, `waiting for the "${name}" lock`).toPass({ timeout: 20_000, intervals: [50, 100, 250] });
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
