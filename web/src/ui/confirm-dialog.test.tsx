import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog, type ConfirmOptions } from './confirm-dialog.tsx';

afterEach(cleanup);

/** A page with a trigger that opens the dialog and closes it once answered, as the provider does. */
function renderDialog(options: Partial<ConfirmOptions> = {}) {
  const onDecide = vi.fn<(confirmed: boolean) => void>();
  function Page() {
    const [open, setOpen] = useState(false);
    return (
      <>
        <button type="button" onClick={() => setOpen(true)}>
          Delete
        </button>
        <button type="button">Something else on the page</button>
        {open && (
          <ConfirmDialog
            title="Delete this snip?"
            body="It disappears for everyone in the workspace."
            confirmLabel="Delete snip"
            tone="danger"
            {...options}
            onDecide={(confirmed) => {
              setOpen(false);
              onDecide(confirmed);
            }}
          />
        )}
      </>
    );
  }
  render(<Page />);
  return { onDecide, user: userEvent.setup() };
}

async function open(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Delete' }));
  return screen.getByRole('alertdialog');
}

describe('ConfirmDialog', () => {
  it('is an alertdialog named by its title and described by its body', async () => {
    const { user } = renderDialog();
    const dialog = await open(user);

    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog).toBe(
      screen.getByRole('alertdialog', { name: 'Delete this snip?', description: 'It disappears for everyone in the workspace.' }),
    );
    expect((dialog as HTMLDialogElement).open).toBe(true);
  });

  it('has no description when there is no body, and default labels', async () => {
    const { user } = renderDialog({ body: undefined, confirmLabel: undefined, tone: 'default' });
    const dialog = await open(user);

    expect(dialog.hasAttribute('aria-describedby')).toBe(false);
    expect(screen.getByRole('button', { name: 'Confirm' }).className).toContain('button--primary');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('paints the confirming button as danger in the danger tone', async () => {
    const { user } = renderDialog();
    await open(user);

    expect(screen.getByRole('button', { name: 'Delete snip' }).className).toContain('button--danger');
    expect(screen.getByRole('button', { name: 'Cancel' }).className).not.toContain('button--danger');
  });

  it('opens with focus on the safe choice, Cancel', async () => {
    const { user } = renderDialog();
    await open(user);

    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
  });

  it('answers yes on Confirm, then closes and returns focus to the trigger', async () => {
    const { user, onDecide } = renderDialog();
    await open(user);
    await user.click(screen.getByRole('button', { name: 'Delete snip' }));

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(true);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete' }));
  });

  it('answers no on Cancel and returns focus to the trigger', async () => {
    const { user, onDecide } = renderDialog();
    await open(user);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete' }));
  });

  it('answers no on Escape', async () => {
    const { user, onDecide } = renderDialog();
    await open(user);
    await user.keyboard('{Escape}');

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('answers no on a close request from the browser (the dialog `cancel` event)', async () => {
    const { user, onDecide } = renderDialog();
    const dialog = await open(user);
    const cancel = new Event('cancel', { cancelable: true });
    dialog.dispatchEvent(cancel);

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
    // Handled here, so the browser does not close the dialog behind our back.
    expect(cancel.defaultPrevented).toBe(true);
  });

  it('answers no when something else closes it (the browser forcing a close request through)', async () => {
    const { user, onDecide } = renderDialog();
    const dialog = (await open(user)) as HTMLDialogElement;
    dialog.close();

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('answers no on a click on the backdrop, not on a click inside the panel', async () => {
    const { user, onDecide } = renderDialog();
    const dialog = await open(user);
    await user.click(screen.getByText('It disappears for everyone in the workspace.'));
    await user.click(screen.getByRole('heading', { name: 'Delete this snip?' }));
    expect(onDecide).not.toHaveBeenCalled();

    // The backdrop belongs to the dialog element: a click there targets the dialog itself.
    await user.click(dialog);
    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('does not dismiss when a press starts in the panel and is released on the backdrop', async () => {
    const { user, onDecide } = renderDialog();
    const dialog = await open(user);
    const heading = screen.getByRole('heading', { name: 'Delete this snip?' });
    await user.pointer([{ keys: '[MouseLeft>]', target: heading }, { target: dialog }, { keys: '[/MouseLeft]', target: dialog }]);

    expect(onDecide).not.toHaveBeenCalled();
  });

  it('keeps Tab and Shift+Tab cycling among its own buttons', async () => {
    const { user } = renderDialog();
    await open(user);
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const [, confirmButton] = screen.getByRole('alertdialog').querySelectorAll('button');

    await user.tab();
    expect(document.activeElement).toBe(confirmButton);
    await user.tab();
    expect(document.activeElement).toBe(cancel);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(confirmButton);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(cancel);
  });

  it('confirms on Enter only when Confirm has focus', async () => {
    const { user, onDecide } = renderDialog();
    await open(user);
    await user.tab();
    await user.keyboard('{Enter}');

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('cancels on Enter while Cancel has focus (the initial focus)', async () => {
    const { user, onDecide } = renderDialog();
    await open(user);
    await user.keyboard('{Enter}');

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('answers once, even when clicked twice', async () => {
    const onDecide = vi.fn();
    render(<ConfirmDialog title="Leave?" onDecide={onDecide} />);
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const confirmButton = screen.getByRole('button', { name: 'Confirm' });
    // Both land before anything re-renders, as a fast double click can.
    fireEvent.click(cancel);
    fireEvent.click(confirmButton);

    expect(onDecide).toHaveBeenCalledExactlyOnceWith(false);
  });
});
