import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.tsx';

afterEach(cleanup);

const bar = () => screen.getByRole('progressbar', { name: 'Export progress' });
const fill = () => bar().querySelector<HTMLElement>('.progress-bar__fill');

describe('ProgressBar', () => {
  it('has a value, a maximum and a value text while the amount is known, and shows the text', () => {
    render(<ProgressBar label="Export progress" value={120} max={258} valueText="120 of 258 snips" />);
    expect(bar().getAttribute('aria-valuenow')).toBe('120');
    expect(bar().getAttribute('aria-valuemin')).toBe('0');
    expect(bar().getAttribute('aria-valuemax')).toBe('258');
    expect(bar().getAttribute('aria-valuetext')).toBe('120 of 258 snips');
    expect(screen.getByText('120 of 258 snips')).toBeDefined();
    expect(fill()?.style.width).toMatch(/^46\.5\d*%$/);
  });

  it('is indeterminate (no value) while the amount is unknown', () => {
    render(<ProgressBar label="Export progress" value={null} max={null} valueText="Counting snips…" />);
    expect(bar().hasAttribute('aria-valuenow')).toBe(false);
    expect(bar().hasAttribute('aria-valuemax')).toBe(false);
    expect(bar().getAttribute('aria-valuetext')).toBe('Counting snips…');
    expect(fill()).toBeNull();
  });

  it('is full when there was nothing to do, and never past full', () => {
    render(<ProgressBar label="Export progress" value={0} max={0} valueText="0 of 0 snips" />);
    expect(fill()?.style.width).toBe('100%');
    cleanup();
    render(<ProgressBar label="Export progress" value={300} max={258} valueText="300 of 258 snips" />);
    expect(fill()?.style.width).toBe('100%');
  });
});
