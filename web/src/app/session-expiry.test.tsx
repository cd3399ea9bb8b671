import { QueryClientProvider, useMutation, type QueryClient } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRequest } from '../api/api-client.ts';
import { getSessionGate, sessionSignedOut } from '../api/session-gate.ts';
import { alice, rightPassword, startOnPageOrigin, type SessionTestServer } from '../api/session-test-server.ts';
import { openSignedInTab } from './session-test-tab.ts';
import { SessionExpiry } from './session-expiry.tsx';

// The banner and the sign-in dialog over a page with a form, against a real HTTP server on loopback.

let server: SessionTestServer;
let queryClient: QueryClient;
let disconnect: () => void;

beforeAll(async () => {
  server = await startOnPageOrigin();
});

afterAll(() => server.close());

beforeEach(async () => {
  ({ queryClient, disconnect } = await openSignedInTab(server));
});

afterEach(() => {
  cleanup();
  disconnect();
  if (getSessionGate().status === 'expired') sessionSignedOut();
  queryClient.clear();
});

const noteSchema = z.object({ title: z.string(), version: z.number() });

/** A page with unsaved input and a Save button, as an editor is. */
function NoteForm() {
  const save = useMutation({
    mutationFn: (title: string) =>
      apiRequest(`/api/notes/${server.note.id}`, { method: 'PATCH', body: { title }, schema: noteSchema }),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(String(new FormData(event.currentTarget).get('title')));
      }}
    >
      <label>
        Title
        <input name="title" />
      </label>
      <button type="submit">{save.isPending ? 'Saving…' : 'Save'}</button>
      {save.isSuccess && <p>Saved as version {save.data.version}</p>}
    </form>
  );
}

function renderPage() {
  render(
    <QueryClientProvider client={queryClient}>
      <NoteForm />
      <SessionExpiry />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

async function expireWhileSaving(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Title'), 'My unsaved draft');
  server.expire();
  await user.click(screen.getByRole('button', { name: 'Save' }));
  return screen.findByRole('alert');
}

describe('the session-expired banner', () => {
  it('appears over the page when a save meets an expired session; the input and the pending save stay', async () => {
    const user = renderPage();
    expect(screen.queryByRole('alert')).toBeNull();

    const banner = await expireWhileSaving(user);

    expect(banner.textContent).toContain('Your session has expired — sign in again to continue');
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('My unsaved draft');
    expect(screen.getByRole('button', { name: 'Saving…' })).toBeDefined();
  });

  it('opens a modal sign-in dialog with the email filled in and the password focused; signing in finishes the save', async () => {
    const versionBefore = server.note.version;
    const user = renderPage();
    const banner = await expireWhileSaving(user);

    await user.click(within(banner).getByRole('button', { name: 'Sign in' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign in again' });
    expect((dialog as HTMLDialogElement).open).toBe(true);
    expect((within(dialog).getByLabelText('Email') as HTMLInputElement).value).toBe(alice.email);
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Password'));

    await user.type(within(dialog).getByLabelText('Password'), rightPassword);
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText(`Saved as version ${versionBefore + 1}`)).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('My unsaved draft');
    expect(server.requestsTo('PATCH', `/api/notes/${server.note.id}`).map((request) => request.status)).toEqual([401, 200]);
  });

  it('keeps the dialog open with an error after a wrong password, focus back on the password', async () => {
    const user = renderPage();
    const banner = await expireWhileSaving(user);
    await user.click(within(banner).getByRole('button', { name: 'Sign in' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign in again' });

    await user.type(within(dialog).getByLabelText('Password'), 'not-it');
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));

    expect(await within(dialog).findByText('That email and password do not match an account.')).toBeDefined();
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Password'));
    expect(getSessionGate().status).toBe('expired');
  });

  it('warns before signing in as someone else', async () => {
    const user = renderPage();
    const banner = await expireWhileSaving(user);
    await user.click(within(banner).getByRole('button', { name: 'Sign in' }));
    const email = within(screen.getByRole('dialog')).getByLabelText('Email');

    await user.clear(email);
    await user.type(email, 'bob@example.com');
    expect(screen.getByText(/discards what is waiting here/)).toBeDefined();
  });

  it('dismissing the dialog (Cancel, or the browser’s close request) keeps the banner and returns focus to it', async () => {
    const user = renderPage();
    const banner = await expireWhileSaving(user);
    const openButton = within(banner).getByRole('button', { name: 'Sign in' });

    await user.click(openButton);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(openButton));

    await user.click(openButton);
    fireEvent(screen.getByRole('dialog'), new Event('cancel', { cancelable: true }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('alert')).toBe(banner);
  });
});
