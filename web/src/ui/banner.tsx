import type { ReactNode } from 'react';

export interface BannerProps {
  tone?: 'error' | 'info' | 'success';
  title?: string;
  children?: ReactNode;
  /** Buttons or links that resolve what the banner is about. */
  actions?: ReactNode;
}

/** A message across the content. Errors are announced (role="alert"); the rest politely (role="status"). */
export function Banner({ tone = 'info', title, children, actions }: BannerProps) {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="banner__text">
        {title && <p className="banner__title">{title}</p>}
        {children}
      </div>
      {actions && <div className="banner__actions">{actions}</div>}
    </div>
  );
}
