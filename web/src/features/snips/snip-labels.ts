import { snipLanguages, snipVisibilities, type SnipLanguage, type SnipVisibility } from '#shared/contracts/snips.ts';

export const languageLabels: Record<SnipLanguage, string> = {
  plaintext: 'Plain text',
  markdown: 'Markdown',
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  python: 'Python',
  go: 'Go',
  rust: 'Rust',
  sql: 'SQL',
  shell: 'Shell',
  json: 'JSON',
  yaml: 'YAML',
  html: 'HTML',
  css: 'CSS',
  java: 'Java',
  ruby: 'Ruby',
};

export const visibilityLabels: Record<SnipVisibility, string> = {
  private: 'Private',
  workspace: 'Workspace',
  public: 'Public',
};

const visibilityDescriptions: Record<SnipVisibility, string> = {
  private: 'Private: only you',
  workspace: 'Workspace: everyone in this workspace',
  public: 'Public: anyone with the link',
};

export const languageOptions = snipLanguages.map((value) => ({ value, label: languageLabels[value] }));
export const visibilityOptions = snipVisibilities.map((value) => ({ value, label: visibilityDescriptions[value] }));
