import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('content security policy', () => {
  it("forbids <base>, so injected markup cannot redirect the page's relative script and link URLs", async () => {
    for (const url of ['/api/health', '/snips/123']) {
      const csp = (await t.client().request({ url })).headers['content-security-policy'];
      expect(String(csp).split(';').map((directive) => directive.trim())).toContain("base-uri 'none'");
    }
  });
});
