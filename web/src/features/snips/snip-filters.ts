import { snipListQuerySchema, type SnipLanguage, type SnipVisibility } from '#shared/contracts/snips.ts';
import { normalizeTag } from './snip-tags.ts';

/**
 * The search and filters of the snips list. They live in the address (`/snips?q=…&language=…`), so they survive
 * a reload, can be shared, and move with back and forward; the list query is derived from them.
 */
export interface SnipFilters {
  q?: string;
  language?: SnipLanguage;
  tag?: string;
  visibility?: SnipVisibility;
  /** A user id: one of the workspace's members. */
  author?: string;
}

const { q, language, tag, visibility, author } = snipListQuerySchema.shape;

/** Why the API would refuse `text` as a tag, in the contract's own words (as the editor and the API say them). */
export function tagIssue(text: string): string | undefined {
  return tag.safeParse(text).error?.issues[0]?.message;
}

/**
 * Reads the filters from the address. A value the API would refuse (hand-edited, or from an older link) is left
 * out rather than failing the whole page, so the list still shows and the bar shows what is really applied.
 */
export function snipFiltersFrom(params: URLSearchParams): SnipFilters {
  const filters: SnipFilters = {};
  const parsedQ = q.safeParse(params.get('q') ?? undefined);
  if (parsedQ.success && parsedQ.data) filters.q = parsedQ.data;
  const parsedLanguage = language.safeParse(params.get('language') ?? undefined);
  if (parsedLanguage.success && parsedLanguage.data) filters.language = parsedLanguage.data;
  const rawTag = params.get('tag');
  const parsedTag = tag.safeParse(rawTag === null ? undefined : normalizeTag(rawTag));
  if (parsedTag.success && parsedTag.data) filters.tag = parsedTag.data;
  const parsedVisibility = visibility.safeParse(params.get('visibility') ?? undefined);
  if (parsedVisibility.success && parsedVisibility.data) filters.visibility = parsedVisibility.data;
  const parsedAuthor = author.safeParse(params.get('author') ?? undefined);
  if (parsedAuthor.success && parsedAuthor.data) filters.author = parsedAuthor.data;
  return filters;
}

const order = ['q', 'language', 'tag', 'visibility', 'author'] as const satisfies readonly (keyof SnipFilters)[];

/** The address form of the filters, in a fixed order and without empty values: equal filters, equal URLs. */
export function snipSearchParams(filters: SnipFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of order) {
    const value = filters[name]?.trim();
    if (value) params.set(name, value);
  }
  return params;
}

export function hasSnipFilters(filters: SnipFilters): boolean {
  return snipSearchParams(filters).size > 0;
}

export function sameSnipFilters(a: SnipFilters, b: SnipFilters): boolean {
  return snipSearchParams(a).toString() === snipSearchParams(b).toString();
}
