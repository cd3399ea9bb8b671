import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { snipLimits } from '#shared/contracts/snips.ts';
import { Button } from '../../ui/button.tsx';
import { SelectField, TextField, type SelectOption } from '../../ui/form-field.tsx';
import { hasSnipFilters, sameSnipFilters, tagIssue, type SnipFilters } from './snip-filters.ts';
import { languageOptions, visibilityLabels } from './snip-labels.ts';
import { normalizeTag } from './snip-tags.ts';

/** The typed filters, as typed: applied a moment after the typing stops. */
interface TypedFilters {
  q: string;
  tag: string;
}

const typedFrom = (filters: SnipFilters): TypedFilters => ({ q: filters.q ?? '', tag: filters.tag ?? '' });
const sameTyped = (a: TypedFilters, b: TypedFilters) => a.q === b.q && a.tag === b.tag;

/** The filters with the typed text applied; a tag the API would refuse is left out (and flagged in the field). */
function withTyped(filters: SnipFilters, typed: TypedFilters): SnipFilters {
  const tag = normalizeTag(typed.tag);
  return { ...filters, q: typed.q.trim() || undefined, tag: tag && !tagIssue(tag) ? tag : undefined };
}

export interface SnipFilterBarProps {
  /** The filters in effect: the ones in the address. */
  filters: SnipFilters;
  /** The workspace's members, for the author filter. */
  authors: readonly SelectOption[];
  /** Puts new filters into the address. `replace` while typing, so history keeps one entry per search. */
  onChange: (filters: SnipFilters, options: { replace: boolean }) => void;
  debounceMs?: number;
}

/**
 * Search and filters of the snips list. The address is the source of truth: the bar only proposes changes.
 * Choices apply at once; typing applies once it pauses, so the list is not fetched for every keystroke.
 */
export function SnipFilterBar({ filters, authors, onChange, debounceMs = 250 }: SnipFilterBarProps) {
  const [typed, setTyped] = useState(() => typedFrom(filters));
  // What the address said last render, and what this bar last put there.
  const [seen, setSeen] = useState(() => typedFrom(filters));
  const [sent, setSent] = useState<TypedFilters | null>(null);
  const [externalChanges, setExternalChanges] = useState(0);
  const inAddress = typedFrom(filters);
  if (!sameTyped(inAddress, seen)) {
    setSeen(inAddress);
    setSent(null);
    // Our own change arriving: keep what was typed since. Anything else (back, forward, a link): show the address.
    if (!sent || !sameTyped(inAddress, sent)) {
      setTyped(inAddress);
      setExternalChanges((count) => count + 1);
    }
  }

  // The timer applies typing against the filters in effect when it fires, not when the key was pressed.
  const latest = useRef({ filters, onChange });
  useLayoutEffect(() => {
    latest.current = { filters, onChange };
  });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // Unmounting, or the address moving elsewhere, drops typing that was about to apply.
  useEffect(() => () => clearTimeout(timer.current), [externalChanges]);

  function apply(next: SnipFilters, replace: boolean) {
    clearTimeout(timer.current);
    const current = latest.current.filters;
    if (sameSnipFilters(next, current)) return;
    setSent(typedFrom(next));
    latest.current.onChange(next, { replace });
  }

  function type(change: Partial<TypedFilters>) {
    const next = { ...typed, ...change };
    setTyped(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => apply(withTyped(latest.current.filters, next), true), debounceMs);
  }

  /** A choice applies now, with whatever is typed, as its own history entry. */
  function choose(change: SnipFilters) {
    apply(withTyped({ ...filters, ...change }, typed), false);
  }

  function clear() {
    setTyped({ q: '', tag: '' });
    apply({}, false);
  }

  const tag = normalizeTag(typed.tag);
  const tagError = tag ? tagIssue(tag) : undefined;
  const filtered = hasSnipFilters(filters) || typed.q.trim() !== '' || tag !== '';

  return (
    <form
      className="snip-filters"
      role="search"
      aria-label="Search and filter snips"
      onSubmit={(event) => {
        // Enter applies what is typed right away.
        event.preventDefault();
        apply(withTyped(filters, typed), true);
      }}
    >
      <TextField
        label="Search"
        type="search"
        name="q"
        value={typed.q}
        onChange={(event) => type({ q: event.target.value })}
        placeholder="Words in titles, bodies and tags"
        maxLength={200}
        autoComplete="off"
        className="snip-filters__search"
      />
      <div className="snip-filters__row">
        <SelectField
          label="Language"
          name="language"
          value={filters.language ?? ''}
          onChange={(event) => choose({ language: (event.target.value || undefined) as SnipFilters['language'] })}
          options={[{ value: '', label: 'Any language' }, ...languageOptions]}
        />
        <TextField
          label="Tag"
          name="tag"
          value={typed.tag}
          onChange={(event) => type({ tag: event.target.value })}
          error={tagError}
          placeholder="e.g. postgres"
          maxLength={snipLimits.tagMax}
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField
          label="Visibility"
          name="visibility"
          value={filters.visibility ?? ''}
          onChange={(event) => choose({ visibility: (event.target.value || undefined) as SnipFilters['visibility'] })}
          options={[
            { value: '', label: 'Any visibility' },
            ...Object.entries(visibilityLabels).map(([value, label]) => ({ value, label })),
          ]}
        />
        <SelectField
          label="Author"
          name="author"
          value={filters.author ?? ''}
          onChange={(event) => choose({ author: event.target.value || undefined })}
          options={[
            { value: '', label: 'Anyone' },
            ...authors,
            // A link may name someone who has left the workspace since.
            ...(filters.author && !authors.some((author) => author.value === filters.author)
              ? [{ value: filters.author, label: 'A former member' }]
              : []),
          ]}
        />
      </div>
      {filtered && (
        <div className="snip-filters__actions">
          <Button variant="ghost" onClick={clear}>
            Clear filters
          </Button>
        </div>
      )}
    </form>
  );
}
