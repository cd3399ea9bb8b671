import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Comment } from '#shared/contracts/comments.ts';
import type { WorkspaceRole } from '#shared/contracts/session.ts';
import { serveTestApi, signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { commentKeys } from './comment-keys.ts';
import { CommentsSection } from './comments-section.tsx';

// The comments section against a real HTTP server on loopback: who gets the form, how a body is shown, and that a
// posted comment shows at once from the 201 (no second read).

const snipId = '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1';
const max = { id: '0b6a2c1e-2222-4a1a-8a1a-000000000002', name: 'Max Member' };
const earlier: Comment = { id: '0b6a2c1e-eeee-4a1a-8a1a-000000000001', author: max, body: '<b>not bold</b>\nsecond line', createdAt: new Date().toISOString() };

const requests: { method: string; url: string; body: string }[] = [];
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveTestApi((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      const created: Comment = {
        id: '0b6a2c1e-eeee-4a1a-8a1a-000000000002',
        author: { id: signedInUser().id, name: 'Olivia Owner' },
        body: (JSON.parse(body) as { body: string }).body,
        createdAt: new Date().toISOString(),
      };
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(created));
    });
  });
});

afterAll(() => api.close());

beforeEach(async () => {
  requests.length = 0;
  // The stream says nothing here: these tests are about HTTP; the live part is proven in comment-stream.test.tsx.
  live = await startLiveTest();
  live.queryClient.setQueryData(commentKeys.list(snipId), { comments: [earlier] });
});

afterEach(() => live.stop());

function renderSection(role: WorkspaceRole) {
  render(
    <live.Providers>
      <CommentsSection snipId={snipId} user={signedInUser(role)} gone={false} />
    </live.Providers>,
  );
  return userEvent.setup();
}

describe('CommentsSection', () => {
  it('shows a body as plain text, line breaks kept', () => {
    renderSection('member');
    const item = screen.getAllByRole('listitem')[0]!;
    expect(within(item).getByText('Max Member')).toBeDefined();
    const body = item.querySelector('.comment__body')!;
    expect(body.textContent).toBe('<b>not bold</b>\nsecond line');
    expect(body.querySelector('b')).toBeNull();
  });

  it('offers the form to members and not to viewers', () => {
    renderSection('viewer');
    expect(screen.queryByLabelText('Add a comment')).toBeNull();
    cleanup();
    renderSection('member');
    expect(screen.getByLabelText('Add a comment')).toBeDefined();
  });

  it('says what is wrong with an empty comment, and sends nothing', async () => {
    const user = renderSection('member');
    await user.type(screen.getByLabelText('Add a comment'), '   ');
    await user.click(screen.getByRole('button', { name: 'Comment' }));
    expect(screen.getByText('Write something first.')).toBeDefined();
    expect(screen.getByLabelText('Add a comment').getAttribute('aria-invalid')).toBe('true');
    expect(requests).toEqual([]);
  });

  it('shows a posted comment at once, from the answer to the post', async () => {
    const user = renderSection('owner');
    await user.type(screen.getByLabelText('Add a comment'), '  Looks good  ');
    await user.click(screen.getByRole('button', { name: 'Comment' }));
    await vi.waitFor(() => expect(screen.getAllByRole('listitem').map((item) => item.querySelector('.comment__body')?.textContent)).toEqual([earlier.body, 'Looks good']));
    expect(screen.getByRole('heading', { name: 'Comments (2)' })).toBeDefined();
    expect((screen.getByLabelText('Add a comment') as HTMLTextAreaElement).value).toBe('');
    expect(requests).toEqual([{ method: 'POST', url: `/api/snips/${snipId}/comments`, body: '{"body":"Looks good"}' }]);
  });
});
