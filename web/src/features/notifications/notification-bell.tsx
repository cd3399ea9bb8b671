import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import type { Notification } from '#shared/contracts/notifications.ts';
import { describeError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button } from '../../ui/button.tsx';
import { LoadingState } from '../../ui/loading-state.tsx';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { useNotifications } from './list-notifications.ts';
import { useMarkAllNotificationsRead } from './mark-all-notifications-read.ts';
import { useMarkNotificationRead } from './mark-notification-read.ts';
import { bellLabel, describeNotification } from './notification-text.ts';
import { useNotificationStream } from './notification-stream.ts';
import './notifications.css';

/**
 * The header's bell: the unread count, live, and a panel of the latest notifications. The panel is a
 * non-modal popover: it takes focus when opened, and Escape, a click outside or tabbing away closes it.
 */
export function NotificationBell({ userId }: { userId: string }) {
  useNotificationStream(userId);
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();
  const unread = notifications.data?.unread;

  const close = ({ returnFocus }: { returnFocus: boolean }) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    // A click anywhere else closes the panel; listening to the document is subscribing to the outside world.
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      close({ returnFocus: true });
    }
  };

  return (
    <div
      className="notification-bell"
      ref={rootRef}
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        // Tabbing out of the bell and its panel closes it; a click on nothing focusable (relatedTarget null) does not.
        if (open && event.relatedTarget && !rootRef.current?.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="notification-bell__button"
        aria-label={bellLabel(unread)}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        <BellIcon />
        {unread ? (
          <span className="notification-bell__badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open && (
        <div ref={panelRef} id={panelId} className="notification-panel" role="dialog" aria-labelledby={headingId} tabIndex={-1}>
          <NotificationPanel headingId={headingId} onNavigate={() => close({ returnFocus: false })} />
        </div>
      )}
    </div>
  );
}

function NotificationPanel({ headingId, onNavigate }: { headingId: string; onNavigate: () => void }) {
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  const markAllRead = useMarkAllNotificationsRead();
  const list = notifications.data;
  const error = markRead.error ?? markAllRead.error;

  return (
    <>
      <div className="notification-panel__header">
        <h2 id={headingId} className="notification-panel__heading">
          Notifications
        </h2>
        <Button variant="ghost" disabled={!list?.unread} pending={markAllRead.isPending} onClick={() => markAllRead.mutate()}>
          Mark all read
        </Button>
      </div>
      {error && <Banner tone="error">{describeError(error)}</Banner>}
      {notifications.isPending && <LoadingState label="Loading notifications…" />}
      {notifications.error && !list && (
        <Banner tone="error" title="Could not load your notifications." actions={<Button onClick={() => void notifications.refetch()}>Try again</Button>}>
          {describeError(notifications.error)}
        </Banner>
      )}
      {list &&
        (list.items.length === 0 ? (
          <p className="notification-panel__empty">Nothing yet. Comments on your snips, and your finished exports, show up here.</p>
        ) : (
          <ul className="notification-list">
            {list.items.map((notification) => (
              <NotificationItem
                key={notification.id}
                notification={notification}
                onOpen={() => {
                  if (!notification.readAt) markRead.mutate(notification.id);
                }}
                onNavigate={onNavigate}
              />
            ))}
          </ul>
        ))}
    </>
  );
}

function NotificationItem({ notification, onOpen, onNavigate }: { notification: Notification; onOpen: () => void; onNavigate: () => void }) {
  // A snip's page, or the page of the reader's finished job (where its file is, or why it failed).
  const { text, to } = describeNotification(notification);
  const unread = !notification.readAt;
  const content = (
    <>
      {unread && <span className="visually-hidden">Unread: </span>}
      <span className="notification__text">{text}</span>
      <span className="notification__time">
        <RelativeTime iso={notification.createdAt} />
      </span>
    </>
  );
  return (
    <li className={unread ? 'notification notification--unread' : 'notification'}>
      {to ? (
        <Link
          className="notification__target"
          to={to}
          onClick={() => {
            onOpen();
            onNavigate();
          }}
        >
          {content}
        </Link>
      ) : (
        // Nowhere to go (the snip is out of reach, or no job is named): opening it only marks it read.
        <button type="button" className="notification__target" onClick={onOpen}>
          {content}
        </button>
      )}
    </li>
  );
}

function BellIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}
