/** One tag as a person types it: "#SQL " is typed, "sql" is the tag. The editor and the filter bar both use it. */
export function normalizeTag(text: string): string {
  return text.trim().replace(/^#+/, '').toLowerCase();
}

/** Tags are typed as one comma-separated line; the API takes a list of lowercase tags. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map(normalizeTag)
    .filter((tag) => tag !== '');
  return [...new Set(tags)];
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ');
}
