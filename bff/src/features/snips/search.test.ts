import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts } from '../../db/seed.ts';
import { startTestApp, type TestApp, type TestClient } from '../../test-app.ts';

let t: TestApp;
let owner: TestClient;
beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signIn('owner@example.com');
});
afterAll(() => t.close());

const titles = async (client: TestClient, query: string) => {
  const response = await client.request({ url: `/api/snips?limit=100&${query}` });
  expect(response.statusCode).toBe(200);
  return response.json().items.map((item: { title: string }) => item.title).sort();
};

describe('search', () => {
  it('finds words in titles, bodies and tags, whole or as a prefix', async () => {
    expect(await titles(owner, 'q=debounce')).toEqual(['Debounce a function']);
    expect(await titles(owner, 'q=mean_exec')).toEqual(['Find slow queries']);
    expect(await titles(owner, 'q=resilience')).toEqual(['Retry with exponential backoff']);
    expect(await titles(owner, 'q=journ')).toEqual(['Tail the app logs']);
    expect(await titles(owner, 'q=Graceful%20SHUTDOWN')).toEqual(['Graceful shutdown in Go']);
    expect(await titles(owner, 'q=graceful%20python')).toEqual([]);
  });

  it('treats operators and quotes as plain text', async () => {
    for (const q of ["it's", '!!!', 'a & | b', "'):*", '\\']) {
      expect((await owner.request({ url: `/api/snips?q=${encodeURIComponent(q)}` })).statusCode).toBe(200);
    }
  });

  it('searches inside the scope only', async () => {
    // "Roadmap notes" is pm's private snip; "Globex secret plan" is in another workspace.
    expect(await titles(owner, 'q=roadmap')).toEqual([]);
    expect(await titles(owner, 'q=globex')).toEqual([]);
    expect(await titles(await t.signIn('pm@example.com'), 'q=roadmap')).toEqual(['Roadmap notes']);
  });

  it('filters by language, tag, visibility and author, combined with the query', async () => {
    expect(await titles(owner, 'language=markdown')).toEqual(['Release checklist']);
    expect(await titles(owner, 'tag=ops')).toEqual(['Tail the app logs']);
    expect(await titles(owner, 'visibility=public')).toEqual(['Retry with exponential backoff', 'Rust: read a file to string']);
    const pm = demoAccounts.find((account) => account.email === 'pm@example.com')!.id;
    expect(await titles(owner, `author=${pm}`)).toEqual(['Feature flag payload', 'Tail the app logs']);
    expect(await titles(owner, `author=${pm}&q=tail`)).toEqual(['Tail the app logs']);
    expect((await owner.request({ url: '/api/snips?language=cobol' })).statusCode).toBe(400);
  });

  it('pages search results with the same stable cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { title: string }[]; nextCursor: string | null } = (
        await owner.request({ url: `/api/snips?limit=1&visibility=workspace${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      seen.push(...page.items.map((item) => item.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(await titles(owner, 'visibility=workspace'));
    expect(seen.length).toBeGreaterThan(3);
  });
});
