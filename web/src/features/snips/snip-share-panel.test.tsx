import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '#shared/contracts/session.ts';
import type { SnipShare } from '#shared/contracts/snip-shares.ts';
import type { Member } from '#shared/contracts/workspaces.ts';
import { ConfirmProvider } from '../../app/confirm-provider.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { serveTestApi, type TestApi } from '../../app/feature-test-harness.tsx';
import { SnipSharePanel, type SnipSharePanelProps } from './snip-share-panel.tsx';

// The sharing panel against a real HTTP server on loopback that answers like the BFF: who is offered, what is
// sent, how a refusal is shown, and that a share is removed only once the confirm modal says yes.

const workspace = { id: '0b6a2c1e-aaaa-4a1a-8a1a-00000000000a', name: 'Acme' };
const person = (n: number, name: string, role: Member['role'] = 'member'): Member => ({
  userId: `0b6a2c1e-${n}${n}${n}${n}-4a1a-8a1a-00000000000${n}`,
  name,
  email: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
  role,
  joinedAt: new Date().toISOString(),
});
const olivia = person(1, 'Olivia Owner', 'owner');
const max = person(2, 'Max Member');
const vera = person(3, 'Vera Viewer', 'viewer');
const pat = person(4, 'Pat Product');
const me: SessionUser = { id: max.userId, email: max.email, name: max.name, isPm: false, workspace: { ...workspace, role: 'member' } };
const snipId = '0b6a2c1e-5555-4a1a-8a1a-000000000005';
const snipOf = (visibility: 'private' | 'workspace', authorId: string): SnipSharePanelProps['snip'] => ({
  id: snipId,
  title: 'Release checklist',
  visibility,
  author: { id: authorId, name: authorId === me.id ? me.name : olivia.name },
});
const shareWith = (member: Member, by: Member): SnipShare => ({
  userId: member.userId,
  name: member.name,
  sharedBy: { id: by.userId, name: by.name },
  sharedAt: new Date().toISOString(),
});

/** What the server holds; each test sets it. `refuse`: user ids the server will not share with, and why. */
let shares: SnipShare[] = [];
let refuse = new Map<string, string>();
const requests: { method: string; url: string; body: string }[] = [];
let api: TestApi;
let queryClient: QueryClient;

beforeAll(async () => {
  api = await serveTestApi((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const method = request.method ?? '';
      const url = request.url ?? '';
      requests.push({ method, url, body });
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (method === 'GET' && url === `/api/workspaces/${workspace.id}/members`) return json(200, { members: [olivia, max, vera, pat] });
      if (method === 'GET' && url === `/api/snips/${snipId}/shares`) return json(200, { shares });
      if (method === 'POST' && url === `/api/snips/${snipId}/shares`) {
        const { userId } = JSON.parse(body) as { userId: string };
        const why = refuse.get(userId);
        if (why) return json(422, { error: { code: 'invalid_request', message: `Cannot share: ${why}.`, details: { issues: [{ location: 'body', path: 'userId', message: why }] } } });
        const share = shareWith([olivia, vera, pat].find((m) => m.userId === userId)!, max);
        shares = [...shares, share];
        return json(201, share);
      }
      if (method === 'DELETE' && url.startsWith(`/api/snips/${snipId}/shares/`)) {
        shares = shares.filter((share) => !url.endsWith(share.userId));
        return response.writeHead(204).end();
      }
      json(404, { error: { code: 'not_found', message: 'Not found.' } });
    });
  });
});

afterAll(() => api.close());

beforeEach(() => {
  requests.length = 0;
  shares = [];
  refuse = new Map();
  queryClient = createQueryClient();
});

afterEach(() => {
  cleanup();
  queryClient.clear();
});

function renderPanel(snip: SnipSharePanelProps['snip']) {
  render(
    <QueryClientProvider client={queryClient}>
      <ConfirmProvider>
        <SnipSharePanel snip={snip} user={me} />
      </ConfirmProvider>
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const offered = () =>
  within(screen.getByLabelText('Share with'))
    .getAllByRole('option')
    .map((option) => option.textContent);
const sharedWith = () => screen.queryAllByRole('listitem').map((item) => item.querySelector('.snip-shares__name')?.textContent);
const writes = () => requests.filter((request) => request.method !== 'GET');

describe('SnipSharePanel', () => {
  it('offers the workspace’s members, but not oneself nor those it is shared with already', async () => {
    shares = [shareWith(vera, olivia)];
    renderPanel(snipOf('workspace', olivia.userId));
    await vi.waitFor(() => expect(offered()).toEqual(['Choose a member…', 'Olivia Owner', 'Pat Product']));
    expect(sharedWith()).toEqual(['Vera Viewer']);
  });

  it('shares with the chosen member and lists them at once; without a choice it says so and sends nothing', async () => {
    const user = renderPanel(snipOf('private', me.id));
    await vi.waitFor(() => expect(offered()).toContain('Pat Product'));
    expect(screen.getByText('Nobody yet.')).toBeDefined();

    await user.click(screen.getByRole('button', { name: 'Share' }));
    expect(screen.getByText('Choose someone to share it with.')).toBeDefined();
    expect(writes()).toEqual([]);

    await user.selectOptions(screen.getByLabelText('Share with'), 'Pat Product');
    await user.click(screen.getByRole('button', { name: 'Share' }));
    await vi.waitFor(() => expect(sharedWith()).toEqual(['Pat Product']));
    expect(screen.getByRole('status').textContent).toContain('Shared with Pat Product.');
    expect(writes()).toEqual([{ method: 'POST', url: `/api/snips/${snipId}/shares`, body: JSON.stringify({ userId: pat.userId }) }]);
    expect(offered()).not.toContain('Pat Product');
  });

  it('shows why the server would not share, next to the field', async () => {
    refuse.set(vera.userId, 'They are not a member of this workspace.');
    const user = renderPanel(snipOf('private', me.id));
    await vi.waitFor(() => expect(offered()).toContain('Vera Viewer'));
    await user.selectOptions(screen.getByLabelText('Share with'), 'Vera Viewer');
    await user.click(screen.getByRole('button', { name: 'Share' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Share with').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('They are not a member of this workspace.')).toBeDefined();
    expect(sharedWith()).toEqual([]);
  });

  it('offers Remove only where it may be used, and removes a share only once the modal says yes', async () => {
    shares = [shareWith(pat, max), shareWith(vera, olivia)];
    const user = renderPanel(snipOf('workspace', olivia.userId));
    await vi.waitFor(() => expect(sharedWith()).toEqual(['Pat Product', 'Vera Viewer']));
    // Max shared it with Pat, so he may take that back; Olivia's share with Vera is hers to take back.
    expect(screen.queryByRole('button', { name: 'Remove Vera Viewer' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Remove Pat Product' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Stop sharing with Pat Product?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(writes()).toEqual([]);
    expect(sharedWith()).toEqual(['Pat Product', 'Vera Viewer']);

    await user.click(screen.getByRole('button', { name: 'Remove Pat Product' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Stop sharing' }));
    await vi.waitFor(() => expect(sharedWith()).toEqual(['Vera Viewer']));
    expect(writes()).toEqual([{ method: 'DELETE', url: `/api/snips/${snipId}/shares/${pat.userId}`, body: '' }]);
  });
});
