import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { Suspense } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Member } from '#shared/contracts/workspaces.ts';
import { ConfirmProvider } from '../../app/confirm-provider.tsx';
import { serveTestApi, signedInUser, type TestApi } from '../../app/feature-test-harness.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { MembersPage } from './members-page.tsx';

// The members page against a real HTTP server on loopback that answers like the BFF: after a removal focus goes on
// to the next row, or to the heading after the last one; the "added" notice lasts until the next action.

const owner = signedInUser('owner');
const person = (n: number, name: string, role: Member['role']): Member => ({
  userId: `0b6a2c1e-${n}${n}${n}${n}-4a1a-8a1a-00000000000${n}`,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
  role,
  joinedAt: new Date().toISOString(),
});
const olivia: Member = { userId: owner.id, name: owner.name, email: owner.email, role: 'owner', joinedAt: new Date().toISOString() };
const max = person(2, 'Max Member', 'member');
const vera = person(3, 'Vera Viewer', 'viewer');
const oscar = person(5, 'Oscar Outsider', 'viewer');

/** What the server holds; each test sets it. */
let members: Member[] = [];
/** Set by a test that answers removals itself, when it is ready: a removal still on its way meanwhile. */
let holdRemovals: ((answer: () => void) => void) | undefined;
let api: TestApi;
let queryClient: QueryClient;

beforeAll(async () => {
  const path = `/api/workspaces/${owner.workspace.id}/members`;
  api = await serveTestApi((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.method === 'GET' && request.url === path) return json(200, { members });
      if (request.method === 'POST' && request.url === path) {
        const added = { ...oscar, role: (JSON.parse(body) as { role: Member['role'] }).role };
        members = [...members, added];
        return json(201, added);
      }
      if (request.method === 'DELETE' && request.url?.startsWith(`${path}/`)) {
        const answer = () => {
          members = members.filter((member) => !request.url!.endsWith(member.userId));
          response.writeHead(204).end();
        };
        return holdRemovals ? holdRemovals(answer) : answer();
      }
      json(404, { error: { code: 'not_found', message: 'Not found.' } });
    });
  });
});

afterAll(() => api.close());

beforeEach(() => {
  queryClient = createQueryClient();
  queryClient.setQueryData(sessionQueryOptions.queryKey, { user: owner, csrfToken: 'token' });
});

afterEach(() => {
  holdRemovals = undefined;
  cleanup();
  queryClient.clear();
});

async function renderMembersPage() {
  render(
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <Suspense>
          <MembersPage />
        </Suspense>
      </ConfirmProvider>
    </QueryClientProvider>,
  );
  await screen.findByRole('heading', { level: 1, name: 'Members' });
  return userEvent.setup();
}

async function removeMember(events: ReturnType<typeof userEvent.setup>, name: string) {
  await events.click(screen.getByRole('button', { name: `Remove ${name}` }));
  await events.click(await screen.findByRole('button', { name: 'Remove member' }));
  await vi.waitFor(() => expect(screen.queryByRole('rowheader', { name })).toBeNull());
}

describe('MembersPage', () => {
  it('moves focus on to the next member after a removal, and to the heading after removing the last one', async () => {
    members = [olivia, max, vera];
    const events = await renderMembersPage();

    await removeMember(events, 'Max Member');
    expect(document.activeElement).toBe(screen.getByRole('rowheader', { name: 'Vera Viewer' }));

    await removeMember(events, 'Vera Viewer');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Members' }));
  });

  it('leaves focus where the person went while a removal was on its way', async () => {
    members = [olivia, max, vera];
    let answerRemoval: (() => void) | undefined;
    holdRemovals = (answer) => (answerRemoval = answer);
    const events = await renderMembersPage();

    await events.click(screen.getByRole('button', { name: 'Remove Max Member' }));
    await events.click(await screen.findByRole('button', { name: 'Remove member' }));
    await vi.waitFor(() => expect(answerRemoval).toBeDefined());
    const email = screen.getByRole('textbox', { name: 'Email' });
    await events.click(email);
    answerRemoval!();
    await vi.waitFor(() => expect(screen.queryByRole('rowheader', { name: 'Max Member' })).toBeNull());
    expect(document.activeElement).toBe(email);
  });

  it('keeps the "added" notice until the person does something else', async () => {
    members = [olivia, vera];
    const events = await renderMembersPage();
    const added = 'Oscar Outsider was added as a viewer.';

    await events.type(screen.getByRole('textbox', { name: 'Email' }), oscar.email);
    await events.selectOptions(screen.getByRole('combobox', { name: 'Role' }), 'viewer');
    await events.click(screen.getByRole('button', { name: 'Add member' }));
    expect(await screen.findByText(added)).toBeDefined();

    await events.type(screen.getByRole('textbox', { name: 'Email' }), 'm');
    expect(screen.queryByText(added)).toBeNull();
  });
});
