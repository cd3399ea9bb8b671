import { useState } from 'react';
import type { SnipLanguage } from '#shared/contracts/snips.ts';

/** Where the reader's "Wrap lines" choice is kept: one choice for every snip, on this device. */
const wrapLinesKey = 'snipdesk:code-block:wrap-lines';

// Storage can be switched off (private modes, site settings): then the choice simply lasts as long as the page.
function readWrapLines(): boolean {
  try {
    return localStorage.getItem(wrapLinesKey) === 'true';
  } catch {
    return false;
  }
}

function rememberWrapLines(wrap: boolean): void {
  try {
    localStorage.setItem(wrapLinesKey, String(wrap));
  } catch {
    // Not remembered; the page still wraps.
  }
}

/**
 * A snip's body. Long lines scroll sideways in a region the keyboard reaches (Tab to it, then the arrow keys), or
 * fold onto the next line when the reader turns on "Wrap lines".
 */
export function CodeBlock({ body, language }: { body: string; language: SnipLanguage }) {
  const [wrapLines, setWrapLines] = useState(readWrapLines);

  return (
    <div className="code-block">
      <label className="code-block__wrap">
        <input
          type="checkbox"
          checked={wrapLines}
          onChange={(event) => {
            setWrapLines(event.target.checked);
            rememberWrapLines(event.target.checked);
          }}
        />
        Wrap lines
      </label>
      <pre className={wrapLines ? 'snip-body snip-body--wrapped' : 'snip-body'} tabIndex={0} role="region" aria-label="Code">
        <code className={`language-${language}`}>{body}</code>
      </pre>
    </div>
  );
}
