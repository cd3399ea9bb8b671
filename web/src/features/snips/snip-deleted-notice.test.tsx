import { act, cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { SnipDeletedNotice, snipDeletedState } from './snip-deleted-notice.tsx';

afterEach(cleanup);

function renderList() {
  const router = createMemoryRouter(
    [
      { path: '/snips', element: <SnipDeletedNotice /> },
      { path: '/snips/:id', element: <button type="button">Delete</button> },
    ],
    { initialEntries: ['/snips/1'] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

const notice = () => screen.queryByRole('status');

describe('SnipDeletedNotice', () => {
  it('confirms the delete on the list it lands on, politely', async () => {
    const router = renderList();
    await act(() => router.navigate('/snips', { replace: true, state: snipDeletedState }));
    expect(notice()?.textContent).toBe('Snip deleted.');
  });

  it('is gone after the next action, and does not come back with the history entry', async () => {
    const router = renderList();
    await act(() => router.navigate('/snips', { replace: true, state: snipDeletedState }));
    await userEvent.setup().click(document.body);
    expect(notice()).toBeNull();

    await act(() => router.navigate('/snips/2'));
    await act(() => router.navigate(-1));
    expect(notice()).toBeNull();
  });

  it('does not come back with Back and Forward, even with no action in between', async () => {
    const router = renderList();
    await act(() => router.navigate('/snips', { replace: true, state: snipDeletedState }));
    expect(notice()?.textContent).toBe('Snip deleted.');
    await act(() => router.navigate('/snips/2'));
    await act(() => router.navigate(-1));
    expect(router.state.location.pathname).toBe('/snips');
    expect(notice()).toBeNull();
  });

  it('is gone after the next navigation', async () => {
    const router = renderList();
    await act(() => router.navigate('/snips', { replace: true, state: snipDeletedState }));
    await act(() => router.navigate('/snips?q=retry'));
    expect(notice()).toBeNull();
    await act(() => router.navigate(-1));
    expect(notice()).toBeNull();
  });

  it('says nothing on a list reached any other way', async () => {
    const router = renderList();
    await act(() => router.navigate('/snips'));
    expect(notice()).toBeNull();
  });
});
