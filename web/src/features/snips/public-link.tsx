import { useId, useRef, useState } from 'react';
import { Button } from '../../ui/button.tsx';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The public link of a snip, with a Copy button. Give it `key={slug}`: a new link starts with a fresh status.
 * When the clipboard is not available (permissions, an insecure origin), the link is selected for copying by hand.
 */
export function PublicLink({ slug }: { slug: string }) {
  const url = `${window.location.origin}/s/${slug}`;
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setCopy('failed');
    }
  }

  return (
    <section className="public-link" aria-labelledby={`${id}-label`}>
      <label className="public-link__label" id={`${id}-label`} htmlFor={id}>
        Public link
      </label>
      <div className="public-link__row">
        <input
          ref={input}
          id={id}
          className="field__control public-link__url"
          value={url}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={`${id}-hint`}
        />
        <Button onClick={() => void copyLink()}>Copy link</Button>
      </div>
      <p className="public-link__status" role="status">
        {copy === 'copied' && 'Copied'}
        {copy === 'failed' && 'Could not copy automatically: the link is selected, press Ctrl+C (⌘C on a Mac).'}
      </p>
      <p className="public-link__hint" id={`${id}-hint`}>
        Anyone with this link can read the snip, signed in or not. Making it private or workspace-only revokes the link.
      </p>
    </section>
  );
}
