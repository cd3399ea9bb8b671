import type { SnipSummary } from '#shared/contracts/snips.ts';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { languageLabels, visibilityLabels } from './snip-labels.ts';

/** Language, visibility, author and last update of a snip, on one line. */
export function SnipMeta({ snip }: { snip: Pick<SnipSummary, 'language' | 'visibility' | 'author' | 'updatedAt'> }) {
  return (
    <p className="snip-meta">
      <span className="badge">{languageLabels[snip.language]}</span>
      <span className={`badge badge--${snip.visibility}`}>{visibilityLabels[snip.visibility]}</span>
      <span className="snip-meta__by">
        {snip.author.name} · updated <RelativeTime iso={snip.updatedAt} />
      </span>
    </p>
  );
}

export function SnipTags({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} className="tag">
          {tag}
        </li>
      ))}
    </ul>
  );
}
