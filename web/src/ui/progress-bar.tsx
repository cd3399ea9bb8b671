import './progress-bar.css';

export interface ProgressBarProps {
  /** The bar's accessible name: what is progressing ("Export progress"). */
  label: string;
  /** How much is done; null while unknown (the bar is then indeterminate). */
  value: number | null;
  /** How much there is in all; null while unknown (the bar is then indeterminate). */
  max: number | null;
  /** The progress in words, shown under the bar and given as its value text: "120 of 258 snips". */
  valueText: string;
}

/**
 * A progress bar: role="progressbar" with aria-valuenow and aria-valuemax while the amount is known, and without a
 * value (indeterminate, an animated stripe) while it is not, as ARIA prescribes. The words under it are its value
 * text, so assistive technology reads "120 of 258 snips" rather than a bare percentage.
 */
export function ProgressBar({ label, value, max, valueText }: ProgressBarProps) {
  const determinate = value !== null && max !== null;
  // Nothing to do is all done: an empty export is a full bar, not an empty one.
  const fraction = determinate ? (max > 0 ? Math.min(1, Math.max(0, value / max)) : 1) : 0;
  return (
    <div className="progress-bar">
      <div
        className={determinate ? 'progress-bar__track' : 'progress-bar__track progress-bar__track--indeterminate'}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={determinate ? max : undefined}
        aria-valuenow={determinate ? value : undefined}
        aria-valuetext={valueText}
      >
        {determinate && <div className="progress-bar__fill" style={{ width: `${fraction * 100}%` }} />}
      </div>
      {/* Already the bar's value text for assistive technology: shown, not read twice. */}
      <p className="progress-bar__text" aria-hidden="true">
        {valueText}
      </p>
    </div>
  );
}
