/** Tags are typed as one comma-separated line; the API takes a list of lowercase tags. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((tag) => tag.trim().toLowerCase())
    .filter((tag) => tag !== '');
  return [...new Set(tags)];
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ');
}
