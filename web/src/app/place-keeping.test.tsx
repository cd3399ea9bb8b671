import { act, cleanup, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { createMemoryRouter, Link, RouterProvider, useSearchParams } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlaceKeeping } from './place-keeping.tsx';

// Where focus goes on a client-side navigation: to the new page's main heading, except on the first page of a
// visit, when only the query changes, or when the page put focus somewhere itself.

function SearchPage() {
  const [params, setParams] = useSearchParams();
  return (
    <main>
      <h1>Search</h1>
      <input aria-label="Words" value={params.get('q') ?? ''} onChange={(event) => setParams({ q: event.target.value }, { replace: true })} />
      <Link to="/form">Form</Link>
      <Link to="/later">Later</Link>
    </main>
  );
}

function FormPage() {
  return (
    <main>
      <h1>Form</h1>
      <input aria-label="Email" autoFocus />
    </main>
  );
}

/** Shows a loading state first, as a page whose data is still on the way does. */
function LaterPage() {
  const [loaded, setLoaded] = useState(false);
  return <main>{loaded ? <h1>Later</h1> : <button onClick={() => setLoaded(true)}>Loading…</button>}</main>;
}

afterEach(cleanup);

function renderApp() {
  const router = createMemoryRouter(
    [
      {
        Component: PlaceKeeping,
        children: [
          { path: '/search', Component: SearchPage },
          { path: '/form', Component: FormPage },
          { path: '/later', Component: LaterPage },
        ],
      },
    ],
    { initialEntries: ['/search'] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

describe('PlaceKeeping', () => {
  it('leaves focus alone on the first page, and while only the query changes', async () => {
    const router = renderApp();
    const heading = await screen.findByRole('heading', { name: 'Search' });
    expect(document.activeElement).toBe(document.body);

    const words = screen.getByRole<HTMLInputElement>('textbox', { name: 'Words' });
    words.focus();
    await act(() => router.navigate('/search?q=sql', { replace: true }));
    expect(document.activeElement).toBe(words);
    expect(heading.hasAttribute('tabindex')).toBe(false);
  });

  it('focuses the new page’s main heading after a navigation, and again after Back', async () => {
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Search' });
    await act(() => router.navigate('/later'));
    // Not there yet: the heading takes focus when the page renders it.
    expect(screen.queryByRole('heading', { name: 'Later' })).toBeNull();
    act(() => screen.getByRole('button', { name: 'Loading…' }).click());
    const later = screen.getByRole('heading', { name: 'Later' });
    await vi.waitFor(() => expect(document.activeElement).toBe(later));
    expect(later.tabIndex).toBe(-1);

    await act(() => router.navigate(-1));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Search' }));
  });

  it('leaves focus where the new page put it', async () => {
    const router = renderApp();
    await screen.findByRole('heading', { name: 'Search' });
    await act(() => router.navigate('/form'));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Email' }));
  });
});
