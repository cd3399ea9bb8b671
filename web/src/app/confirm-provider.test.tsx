import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { StrictMode, type FormEvent, type ReactNode } from 'react';
import { createMemoryRouter, Link, RouterProvider, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfirmOptions } from '../ui/confirm-dialog.tsx';
import { ConfirmProvider, useConfirm, type Confirm } from './confirm-provider.tsx';

afterEach(cleanup);

/** Renders `ui` under the provider and hands out the provider's `confirm`, as a component would get it. */
function renderWithConfirm(ui: ReactNode = null) {
  let confirm: Confirm | undefined;
  function Grab() {
    confirm = useConfirm();
    return null;
  }
  const view = render(
    <ConfirmProvider>
      <Grab />
      {ui}
    </ConfirmProvider>,
  );
  return { ...view, confirm: confirm!, user: userEvent.setup() };
}

/** A promise's state without waiting for it. */
function track(promise: Promise<boolean>) {
  const state: { settled: boolean; value?: boolean } = { settled: false };
  void promise.then((value) => Object.assign(state, { settled: true, value }));
  return state;
}

const danger: ConfirmOptions = { title: 'Delete snip?', body: 'It cannot be undone.', confirmLabel: 'Delete', tone: 'danger' };

describe('useConfirm', () => {
  it('resolves true when confirmed', async () => {
    const { confirm, user } = renderWithConfirm();
    const answer = confirm(danger);
    await user.click(await screen.findByRole('button', { name: 'Delete' }));

    await expect(answer).resolves.toBe(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('resolves false when cancelled, on Escape and on a backdrop click', async () => {
    const { confirm, user } = renderWithConfirm();

    const cancelled = confirm(danger);
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    await expect(cancelled).resolves.toBe(false);

    const escaped = confirm(danger);
    await screen.findByRole('alertdialog');
    await user.keyboard('{Escape}');
    await expect(escaped).resolves.toBe(false);

    const dismissed = confirm(danger);
    await user.click(await screen.findByRole('alertdialog'));
    await expect(dismissed).resolves.toBe(false);
  });

  it('shows the title, body and labels it was given, with defaults for the rest', async () => {
    const { confirm } = renderWithConfirm();
    void confirm({ title: 'Leave the workspace?' });

    expect(await screen.findByRole('alertdialog', { name: 'Leave the workspace?' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Confirm' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
  });

  it('queues a second question until the first is answered, and answers each on its own', async () => {
    const { confirm, user } = renderWithConfirm();
    const first = track(confirm({ title: 'First?', confirmLabel: 'Yes, first' }));
    const second = track(confirm({ title: 'Second?', confirmLabel: 'Yes, second' }));

    // One modal at a time: the first is on screen, the second waits.
    expect(await screen.findAllByRole('alertdialog')).toHaveLength(1);
    expect(screen.getByRole('alertdialog', { name: 'First?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Yes, first' }));

    await waitFor(() => expect(first).toEqual({ settled: true, value: true }));
    expect(second.settled).toBe(false);
    expect(await screen.findByRole('alertdialog', { name: 'Second?' })).toBeTruthy();
    expect(screen.getAllByRole('alertdialog')).toHaveLength(1);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(second).toEqual({ settled: true, value: false }));
    expect(first.value).toBe(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('resolves pending questions false when the provider unmounts', async () => {
    const { confirm, unmount } = renderWithConfirm();
    const onScreen = confirm(danger);
    const waiting = confirm({ title: 'Later?' });
    await screen.findByRole('alertdialog');
    unmount();

    await expect(onScreen).resolves.toBe(false);
    await expect(waiting).resolves.toBe(false);
  });

  it('works under StrictMode (effects run twice in development)', async () => {
    const onClick = vi.fn();
    const user = userEvent.setup();
    render(
      <StrictMode>
        <ConfirmProvider>
          <button type="button" data-confirm="Sure?" onClick={onClick}>
            Delete
          </button>
        </ConfirmProvider>
      </StrictMode>,
    );
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    await waitFor(() => expect(onClick).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('needs the provider', () => {
    function Orphan() {
      useConfirm();
      return null;
    }
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Orphan />)).toThrow(/ConfirmProvider/);
    vi.restoreAllMocks();
  });
});

describe('data-confirm', () => {
  it('runs a button’s React onClick only after a yes, exactly once, and asks with the attributes', async () => {
    const onClick = vi.fn();
    const { user } = renderWithConfirm(
      <button type="button" data-confirm="Its snips stay." data-confirm-title="Archive workspace?" data-confirm-label="Archive" data-confirm-tone="danger" onClick={onClick}>
        Archive workspace
      </button>,
    );
    const trigger = screen.getByRole('button', { name: 'Archive workspace' });

    await user.click(trigger);
    expect(screen.getByRole('alertdialog', { name: 'Archive workspace?', description: 'Its snips stay.' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Archive' }).className).toContain('button--danger');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClick).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(trigger);

    await user.click(trigger);
    await user.click(screen.getByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(onClick).toHaveBeenCalledTimes(1));
    expect(document.activeElement).toBe(trigger);
    // Settle any stray replay before counting again.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('stops the click before React (and every other listener) hears it', async () => {
    const onClick = vi.fn();
    const bubbled = vi.fn();
    document.addEventListener('click', bubbled);
    const { user } = renderWithConfirm(
      <button type="button" data-confirm="Sure?" onClick={onClick}>
        <span>Delete</span>
      </button>,
    );
    // A click on a child of the button counts as a click on the button.
    await user.click(screen.getByText('Delete'));

    expect(screen.getByRole('alertdialog', { name: 'Are you sure?' })).toBeTruthy();
    expect(onClick).not.toHaveBeenCalled();
    expect(bubbled).not.toHaveBeenCalled();
    document.removeEventListener('click', bubbled);
  });

  it('uses the default title and asks once for a double click', async () => {
    const onClick = vi.fn();
    const { user } = renderWithConfirm(
      <button type="button" data-confirm="The export stops." onClick={onClick}>
        Stop export
      </button>,
    );
    await user.dblClick(screen.getByRole('button', { name: 'Stop export' }));
    expect(screen.getByRole('alertdialog', { name: 'Are you sure?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    await waitFor(() => expect(onClick).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('leaves elements without the attribute alone', async () => {
    const onClick = vi.fn();
    const { user } = renderWithConfirm(
      <button type="button" onClick={onClick}>
        Save
      </button>,
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(onClick).toHaveBeenCalledOnce();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('follows a router link only after a yes', async () => {
    function Where() {
      return <p>at {useLocation().pathname}</p>;
    }
    const router = createMemoryRouter([
      {
        path: '*',
        element: (
          <>
            <Where />
            <Link to="/signed-out" data-confirm="Unsaved changes are lost.">
              Sign out
            </Link>
          </>
        ),
      },
    ]);
    const { user } = renderWithConfirm(<RouterProvider router={router} />);

    await user.click(screen.getByRole('link', { name: 'Sign out' }));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByText('at /')).toBeTruthy();

    await user.click(screen.getByRole('link', { name: 'Sign out' }));
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('at /signed-out')).toBeTruthy();
  });

  it('runs a plain link’s click handler only after a yes', async () => {
    const onClick = vi.fn((event: { preventDefault(): void }) => event.preventDefault());
    const { user } = renderWithConfirm(
      <a href="#discard" data-confirm="Discard the draft?" onClick={onClick}>
        Discard
      </a>,
    );
    await user.click(screen.getByRole('link', { name: 'Discard' }));
    expect(onClick).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Confirm' }));

    await waitFor(() => expect(onClick).toHaveBeenCalledTimes(1));
  });

  function renderForm(formProps: { 'data-confirm'?: string }, buttonProps: { 'data-confirm'?: string }) {
    const onSubmit = vi.fn((event: FormEvent<HTMLFormElement>) => event.preventDefault());
    const onButtonClick = vi.fn();
    const view = renderWithConfirm(
      <form aria-label="Danger zone" onSubmit={onSubmit} {...formProps}>
        <label>
          Name
          <input name="name" defaultValue="ops" />
        </label>
        <button type="submit" name="intent" value="delete" onClick={onButtonClick} {...buttonProps}>
          Delete workspace
        </button>
      </form>,
    );
    return { ...view, onSubmit, onButtonClick };
  }

  it('submits a form with data-confirm only after a yes, keeping the submitter', async () => {
    const { user, onSubmit } = renderForm({ 'data-confirm': 'Everything in it goes.' }, {});
    const submit = screen.getByRole('button', { name: 'Delete workspace' });

    await user.click(submit);
    expect(screen.getByRole('alertdialog', { description: 'Everything in it goes.' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(submit);

    await user.click(submit);
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect((onSubmit.mock.calls[0]![0].nativeEvent as SubmitEvent).submitter).toBe(submit);
  });

  it('asks before a form with data-confirm is submitted with Enter in a field', async () => {
    const { user, onSubmit } = renderForm({ 'data-confirm': 'Everything in it goes.' }, {});
    await user.type(screen.getByLabelText('Name'), '{Enter}');

    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
  });

  it('submits only after a yes when data-confirm is on the submit button, asking once', async () => {
    const { user, onSubmit, onButtonClick } = renderForm({ 'data-confirm': 'Not this one: the button asks.' }, { 'data-confirm': 'Everything in it goes.' });
    const submit = screen.getByRole('button', { name: 'Delete workspace' });

    await user.click(submit);
    expect(screen.getByRole('alertdialog', { description: 'Everything in it goes.' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(onButtonClick).not.toHaveBeenCalled();

    await user.click(submit);
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onButtonClick).toHaveBeenCalledTimes(1);
    // The confirmed click replays into the submission without a second question.
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((onSubmit.mock.calls[0]![0].nativeEvent as SubmitEvent).submitter).toBe(submit);
  });
});
