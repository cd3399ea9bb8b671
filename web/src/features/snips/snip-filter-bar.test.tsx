import { act, cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, useSearchParams } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnipFilterBar } from './snip-filter-bar.tsx';
import { snipFiltersFrom, snipSearchParams } from './snip-filters.ts';

const olivia = '00000000-0000-4000-8000-000000000001';
const authors = [{ value: olivia, label: 'Olivia Owner' }];

/** The bar wired to the address exactly as the list page wires it; the "list" shows the filters it would fetch. */
function FilteredList() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = snipFiltersFrom(searchParams);
  return (
    <>
      <SnipFilterBar
        filters={filters}
        authors={authors}
        onChange={(next, { replace }) => setSearchParams(snipSearchParams(next), { replace })}
      />
      <output aria-label="Applied">{snipSearchParams(filters).toString()}</output>
    </>
  );
}

/** `loadMs`: how long the page's loader takes, as the real one does while it fetches the list. */
function renderAt(entry: string, { loadMs = 0 } = {}) {
  const loader = () => new Promise((resolve) => setTimeout(() => resolve(null), loadMs));
  const router = createMemoryRouter([{ path: '/snips', ...(loadMs > 0 && { loader }), element: <FilteredList /> }], {
    initialEntries: [entry],
  });
  render(<RouterProvider router={router} />);
  const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
  return { router, user };
}

const applied = () => screen.getByLabelText('Applied').textContent;

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('SnipFilterBar', () => {
  it('shows the filters of the address it was opened at', () => {
    renderAt(`/snips?q=retry&language=python&tag=ops&author=${olivia}`);
    expect(screen.getByLabelText<HTMLInputElement>('Search').value).toBe('retry');
    expect(screen.getByLabelText<HTMLSelectElement>('Language').value).toBe('python');
    expect(screen.getByLabelText<HTMLInputElement>('Tag').value).toBe('ops');
    expect(screen.getByLabelText<HTMLSelectElement>('Author').value).toBe(olivia);
  });

  it('applies typing once it pauses, as one replaced history entry', async () => {
    const { router, user } = renderAt('/snips');
    const navigations: string[] = [];
    router.subscribe((state) => navigations.push(`${state.historyAction} ${state.location.search}`));

    await user.type(screen.getByLabelText('Search'), 'backoff');
    expect(applied()).toBe('');
    await act(() => vi.advanceTimersByTimeAsync(250));

    expect(applied()).toBe('q=backoff');
    expect(navigations.filter((entry) => entry.endsWith('?q=backoff'))).toEqual(['REPLACE ?q=backoff']);
    expect(navigations).toHaveLength(1);
  });

  it('applies a choice at once, as a new history entry that back undoes', async () => {
    const { router, user } = renderAt('/snips?q=deb');
    await user.selectOptions(screen.getByLabelText('Language'), 'go');
    expect(applied()).toBe('q=deb&language=go');
    expect(router.state.historyAction).toBe('PUSH');

    await act(() => router.navigate(-1));
    expect(applied()).toBe('q=deb');
    expect(screen.getByLabelText<HTMLSelectElement>('Language').value).toBe('');
  });

  it('keeps what was typed while its earlier part was being applied', async () => {
    const { user } = renderAt('/snips', { loadMs: 100 });
    const search = await screen.findByLabelText<HTMLInputElement>('Search');
    await user.type(search, 'deb');
    await act(() => vi.advanceTimersByTimeAsync(250));
    // "deb" is loading; typing goes on.
    await user.type(search, ' go');
    await act(() => vi.advanceTimersByTimeAsync(100));
    expect(applied()).toBe('q=deb');
    expect(search.value).toBe('deb go');
    await act(() => vi.advanceTimersByTimeAsync(250 + 100));
    expect(applied()).toBe('q=deb+go');
    expect(search.value).toBe('deb go');
  });

  it('follows the address when it changes elsewhere, and drops typing that was about to apply', async () => {
    const { router, user } = renderAt('/snips?q=first');
    const search = screen.getByLabelText<HTMLInputElement>('Search');
    await act(() => router.navigate('/snips?q=second'));
    expect(search.value).toBe('second');

    await user.type(search, 'x');
    await act(() => router.navigate('/snips?tag=ops'));
    await act(() => vi.advanceTimersByTimeAsync(500));
    expect(search.value).toBe('');
    expect(applied()).toBe('tag=ops');
  });

  it('flags a tag the API would refuse and does not apply it', async () => {
    const { user } = renderAt('/snips');
    await user.type(screen.getByLabelText('Tag'), 'two words');
    await act(() => vi.advanceTimersByTimeAsync(250));
    expect(screen.getByText('Tags are lowercase letters, digits and dashes.')).toBeDefined();
    expect(applied()).toBe('');
  });

  it('clears everything at once', async () => {
    const { user } = renderAt(`/snips?q=retry&visibility=public&author=${olivia}`);
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(applied()).toBe('');
    expect(screen.getByLabelText<HTMLInputElement>('Search').value).toBe('');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });
});
