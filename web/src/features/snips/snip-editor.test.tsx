import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlagSnapshot } from '#shared/contracts/flags.ts';
import { ApiError } from '../../api/api-error.ts';
import { signedInUser, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { sessionQueryOptions } from '../auth/get-session.ts';
import { serveFlagSnapshot, testFlagSnapshot, underFlagsRoot } from '../flags/flags-test-root.tsx';
import { emptyDraft, SnipEditor, type SnipEditorProps } from './snip-editor.tsx';

/** What GET /api/flags answers: the editor's layout is a flag. */
let flags: FlagSnapshot;
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveFlagSnapshot(() => flags);
});

afterAll(() => api.close());

beforeEach(async () => {
  flags = testFlagSnapshot();
  live = await startLiveTest();
  live.queryClient.setQueryData(sessionQueryOptions.queryKey, { user: signedInUser('member'), csrfToken: 'token' });
});

afterEach(() => live.stop());

/** The editor links "Cancel" with the router and reads its layout from the flags, so it renders inside both. */
async function renderEditor(props: Partial<SnipEditorProps> = {}) {
  const onSubmit = vi.fn();
  const router = createMemoryRouter(
    underFlagsRoot(live.queryClient, [
      {
        path: '/',
        element: (
          <SnipEditor initial={emptyDraft} submitLabel="Create snip" pending={false} error={null} cancelTo="/" onSubmit={onSubmit} {...props} />
        ),
      },
    ]),
  );
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  await screen.findByLabelText('Title');
  return { onSubmit, user: userEvent.setup() };
}

/** The error text a screen reader announces with the field: whatever its aria-describedby points at. */
function describedErrorOf(label: string): string | undefined {
  const control = screen.getByLabelText(label);
  if (control.getAttribute('aria-invalid') !== 'true') return undefined;
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)).find((node) => node?.className === 'field__error')?.textContent ?? undefined;
}

describe('SnipEditor', () => {
  it('submits a parsed draft: trimmed title, tags split and lowercased', async () => {
    const { onSubmit, user } = await renderEditor();
    await user.type(screen.getByLabelText('Title'), '  Vacuum tips ');
    await user.selectOptions(screen.getByLabelText('Language'), 'sql');
    await user.selectOptions(screen.getByLabelText('Visibility'), 'private');
    await user.type(screen.getByLabelText('Tags'), 'Postgres, ops,,');
    await user.type(screen.getByLabelText('Body'), 'VACUUM ANALYZE;');
    await user.click(screen.getByRole('button', { name: 'Create snip' }));

    expect(onSubmit).toHaveBeenCalledExactlyOnceWith({
      title: 'Vacuum tips',
      language: 'sql',
      visibility: 'private',
      tags: ['postgres', 'ops'],
      body: 'VACUUM ANALYZE;',
    });
  });

  it('shows mistakes next to their fields before sending anything', async () => {
    const { onSubmit, user } = await renderEditor();
    await user.type(screen.getByLabelText('Tags'), 'ok, not ok');
    await user.click(screen.getByRole('button', { name: 'Create snip' }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(describedErrorOf('Title')).toBe('A title is required.');
    expect(describedErrorOf('Tags')).toBe('Tags are lowercase letters, digits and dashes.');
    expect(describedErrorOf('Body')).toBeUndefined();
    expect(screen.getByRole('alert').textContent).toContain('Please fix the highlighted fields.');
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
  });

  it('lowercases typed tags once the field is left, as the filter bar does', async () => {
    const { user } = await renderEditor();
    await user.type(screen.getByLabelText('Tags'), 'SQL, #Ops,, sql');
    expect(screen.getByLabelText('Tags')).toHaveProperty('value', 'SQL, #Ops,, sql');
    await user.tab();
    expect(screen.getByLabelText('Tags')).toHaveProperty('value', 'sql, ops');
  });

  it("shows the server's field issues next to the fields, and the others in the banner", async () => {
    const error = new ApiError({
      status: 400,
      code: 'invalid_request',
      message: 'Invalid request',
      details: {
        issues: [
          { path: 'body', message: 'body is too long' },
          { path: 'tags.1', message: 'tag is too long' },
          { path: 'version', message: 'version must be positive' },
        ],
      },
    });
    await renderEditor({ initial: { ...emptyDraft, title: 'Kept' }, error });

    expect(describedErrorOf('Body')).toBe('body is too long');
    expect(describedErrorOf('Tags')).toBe('tag is too long');
    expect(describedErrorOf('Title')).toBeUndefined();
    expect(screen.getByRole('alert').textContent).toContain('version must be positive');
  });

  it('explains a version conflict and offers the way out it is given', async () => {
    const error = new ApiError({ status: 409, code: 'version_conflict', message: 'conflict' });
    await renderEditor({ error, errorActions: <button type="button">Load the latest</button> });

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Someone else saved this snip while you were editing it');
    expect(screen.getByRole('button', { name: 'Load the latest' })).toBeDefined();
  });

  it.each(['stacked', 'side-by-side'] as const)('lays the form out as the snip-editor-layout flag says: %s', async (layout) => {
    flags = testFlagSnapshot({ 'snip-editor-layout': layout });
    await renderEditor();
    const form = screen.getByLabelText('Title').closest('form')!;
    expect(form.dataset.layout).toBe(layout);
    // The same fields either way: the body in its own column (snips.css puts it beside the others on a wide screen).
    const [fields, body] = [...form.querySelector('.snip-editor__main')!.children];
    expect([...fields!.querySelectorAll('label')].map((label) => label.textContent)).toEqual(['Title', 'Language', 'Visibility', 'Tags']);
    expect(body!.querySelector('label')?.textContent).toBe('Body');
  });
});
