import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification, NotificationList } from '#shared/contracts/notifications.ts';
import type { Peer } from '../../app/realtime-test-server.ts';
import { serveTestApi, startLiveTest, type LiveTest, type TestApi } from '../../app/feature-test-harness.tsx';
import { NotificationBell } from './notification-bell.tsx';

// The bell against a real HTTP server (the notifications API) and a real WebSocket (the `user:<id>` stream):
// the count in its accessible name follows the stream, the panel lists what the API says, opening one marks it read.

const userId = '0b6a2c1e-1111-4a1a-8a1a-000000000001';
const stream = `user:${userId}` as const;
const snipId = '0b6a2c1e-cccc-4a1a-8a1a-0000000000a1';

function notification(id: string, title: string, readAt: string | null = null): Notification {
  return { id, kind: 'comment', actorName: 'Max Member', snip: { id: snipId, title }, job: null, createdAt: new Date().toISOString(), readAt };
}
const first = notification('0b6a2c1e-dddd-4a1a-8a1a-000000000001', 'Debounce a function');
const second = notification('0b6a2c1e-dddd-4a1a-8a1a-000000000002', 'Throttle a function');
const jobId = '0b6a2c1e-9999-4a1a-8a1a-0000000000b1';
const exportReady: Notification = {
  id: '0b6a2c1e-dddd-4a1a-8a1a-000000000003',
  kind: 'job_finished',
  actorName: null,
  snip: null,
  job: { id: jobId, kind: 'export', status: 'succeeded' },
  createdAt: new Date().toISOString(),
  readAt: null,
};

/** What GET /api/notifications answers, and every request the bell made. */
let stored: NotificationList;
const requests: string[] = [];
let api: TestApi;
let live: LiveTest;

beforeAll(async () => {
  api = await serveTestApi((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const read = /^\/api\/notifications\/([^/]+)\/read$/.exec(request.url ?? '');
    if (request.method === 'POST' && read) {
      stored = {
        items: stored.items.map((item) => (item.id === read[1] ? { ...item, readAt: new Date().toISOString() } : item)),
        unread: stored.unread - 1,
      };
      response.writeHead(204).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
  });
});

afterAll(() => api.close());

beforeEach(async () => {
  stored = { items: [first], unread: 1 };
  requests.length = 0;
  live = await startLiveTest();
});

afterEach(() => live.stop());

async function renderBell(): Promise<{ peer: Peer; router: ReturnType<typeof createMemoryRouter> }> {
  const router = createMemoryRouter([{ path: '*', element: <NotificationBell userId={userId} /> }], { initialEntries: ['/snips'] });
  render(
    <live.Providers>
      <RouterProvider router={router} />
    </live.Providers>,
  );
  return { peer: await live.subscribed(stream), router };
}

const bell = () => screen.getByRole('button', { name: /^Notifications/ });

describe('NotificationBell', () => {
  it('says the unread count in its name, and follows the stream without a reload', async () => {
    const { peer } = await renderBell();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBe(bell()));
    peer.send({ v: 1, type: 'snapshot', stream, seq: 1, state: { kind: 'user', unread: 1 } });

    stored = { items: [second, first], unread: 2 };
    peer.send({ v: 1, type: 'update', stream, seq: 2, state: { kind: 'user', unread: 2 } });
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 2 unread' })).toBe(bell()));
    // The count moved, so the list was read again for what is new: the first load and this one, nothing more.
    await vi.waitFor(() => expect(requests).toEqual(['GET /api/notifications?limit=30', 'GET /api/notifications?limit=30']));

    await userEvent.click(bell());
    expect(screen.getByRole('link', { name: /Throttle a function/ })).toBeDefined();
  });

  it('opens a labelled panel that takes focus, and gives it back to the bell on Escape', async () => {
    await renderBell();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBe(bell()));
    const user = userEvent.setup();
    await user.click(bell());
    expect(bell().getAttribute('aria-expanded')).toBe('true');
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    expect(document.activeElement).toBe(panel);
    expect(screen.getByRole('link', { name: /^Unread: Max Member commented on “Debounce a function”/ }).getAttribute('href')).toBe(`/snips/${snipId}`);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bell().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(bell());
  });

  it('marks a notification read when it is opened, and goes to its snip', async () => {
    const { router } = await renderBell();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBe(bell()));
    const user = userEvent.setup();
    await user.click(bell());
    await user.click(screen.getByRole('link', { name: /Debounce a function/ }));

    expect(router.state.location.pathname).toBe(`/snips/${snipId}`);
    expect(screen.queryByRole('dialog')).toBeNull();
    await vi.waitFor(() => expect(requests).toContain(`POST /api/notifications/${first.id}/read`));
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications' })).toBe(bell()));
  });

  it('tells of a finished export as it arrives, and leads to the job’s page rather than a snip', async () => {
    const { peer, router } = await renderBell();
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBe(bell()));
    peer.send({ v: 1, type: 'snapshot', stream, seq: 1, state: { kind: 'user', unread: 1 } });
    const user = userEvent.setup();
    await user.click(bell());

    // The export finishes while the panel is open: the stream moves the count, the list is read again.
    stored = { items: [exportReady, first], unread: 2 };
    peer.send({ v: 1, type: 'update', stream, seq: 2, state: { kind: 'user', unread: 2 } });
    const link = await screen.findByRole('link', { name: /^Unread: Your export is ready/ });
    expect(link.getAttribute('href')).toBe(`/jobs/${jobId}`);

    await user.click(link);
    expect(router.state.location.pathname).toBe(`/jobs/${jobId}`);
    await vi.waitFor(() => expect(requests).toContain(`POST /api/notifications/${exportReady.id}/read`));
  });
});
