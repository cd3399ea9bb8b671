import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two runs (two checkouts, or a developer beside CI) share a machine.
const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;
// A build of its own per port too: a run building into the folder another run serves from would break that run.
const webDist = resolve(`dist/e2e-${port}`);
/** A distro Chromium when there is one (CI images, sandboxes); otherwise the browser Playwright installed. */
const systemChromium = '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  // Per port, like the build: a run clears its output folder when it starts, which must not be another run's.
  outputDir: `test-results/${port}`,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // No retries: a flaky test is a bug to fix, not to paper over.
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(existsSync(systemChromium) && { executablePath: systemChromium }),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    // Builds the SPA, then serves it from the BFF on a fresh embedded database seeded with the demo accounts.
    command: `npx vite build --outDir ${webDist} --emptyOutDir && node --import tsx e2e/start-server.ts`,
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), WEB_DIST: webDist, LOG_LEVEL: 'warn' },
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stderr: 'pipe',
  },
});
