import { useState, type FormEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createSnipBodySchema, snipLimits, type SnipLanguage, type SnipVisibility } from '#shared/contracts/snips.ts';
import type { FieldIssue } from '#shared/contracts/errors.ts';
import { describeError, isApiError } from '../../api/api-error.ts';
import { Banner } from '../../ui/banner.tsx';
import { Button, ButtonLink } from '../../ui/button.tsx';
import { SelectField, TextAreaField, TextField } from '../../ui/form-field.tsx';
import { useFlag } from '../flags/use-flag.ts';
import { languageOptions, visibilityOptions } from './snip-labels.ts';
import { formatTags, parseTags } from './snip-tags.ts';
import './snips.css';

/** What the editor edits: the fields a person writes, without ids, authors or versions. */
export interface SnipDraft {
  title: string;
  language: SnipLanguage;
  visibility: SnipVisibility;
  tags: string[];
  body: string;
}

export const emptyDraft: SnipDraft = { title: '', language: 'plaintext', visibility: 'workspace', tags: [], body: '' };

const fieldNames = ['title', 'language', 'visibility', 'tags', 'body'] as const;
type FieldName = (typeof fieldNames)[number];
type FieldErrors = Partial<Record<FieldName, string>>;

/** "tags.2", "/tags/2" and "tags[2]" all belong to the tags field. */
function fieldOf(path: string): FieldName | undefined {
  const head = path.split(/[./[\]]/).find((segment) => segment !== '');
  return fieldNames.find((name) => name === head);
}

/** Issues that name a field go next to it (first one wins); the rest are listed in the banner. */
function sortIssues(issues: readonly FieldIssue[]): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (!field) other.push(issue.message);
    else fields[field] ??= issue.message;
  }
  return { fields, other };
}

export interface SnipEditorProps {
  /** Read once, when the editor mounts; give it a new `key` to start over from other values. */
  initial: SnipDraft;
  submitLabel: string;
  onSubmit: (draft: SnipDraft) => void;
  pending: boolean;
  /** The last submit's error, e.g. a mutation's `error`: field issues of a 400 are shown beside their fields. */
  error: unknown;
  /** Shown with a non-field error, e.g. a way out of a version conflict. */
  errorActions?: ReactNode;
  cancelTo: string;
}

export function SnipEditor({ initial, submitLabel, onSubmit, pending, error, errorActions, cancelTo }: SnipEditorProps) {
  const [title, setTitle] = useState(initial.title);
  const [language, setLanguage] = useState(initial.language);
  const [visibility, setVisibility] = useState(initial.visibility);
  const [tagsText, setTagsText] = useState(formatTags(initial.tags));
  const [body, setBody] = useState(initial.body);
  // Side by side: the body beside the other fields on a wide screen (snips.css); stacked on a phone either way.
  const layout = useFlag('snip-editor-layout');
  // Checked with the API's own schema before sending, so most mistakes never make a round trip.
  const [localIssues, setLocalIssues] = useState<FieldIssue[]>([]);

  const serverIssues = isApiError(error) ? error.fieldIssues : [];
  const issues = localIssues.length > 0 ? localIssues : serverIssues;
  const { fields, other } = sortIssues(issues);
  const hasIssues = issues.length > 0;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createSnipBodySchema.safeParse({ title, language, visibility, tags: parseTags(tagsText), body });
    if (!parsed.success) {
      const form = event.currentTarget;
      flushSync(() => setLocalIssues(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))));
      // Take keyboard and screen-reader users straight to the first field to fix.
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setLocalIssues([]);
    onSubmit(parsed.data);
  }

  return (
    <form className="snip-editor" data-layout={layout} onSubmit={handleSubmit} noValidate aria-busy={pending || undefined}>
      {hasIssues ? (
        <Banner tone="error" title="Please fix the highlighted fields.">
          {other.length > 0 && (
            <ul>
              {other.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </Banner>
      ) : (
        error != null && (
          <Banner tone="error" actions={errorActions}>
            {describeError(error)}
          </Banner>
        )
      )}

      <div className="snip-editor__main">
        <div className="snip-editor__fields">
          <TextField
            label="Title"
            name="title"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            error={fields.title}
            maxLength={snipLimits.titleMax}
            required
            autoComplete="off"
          />
          <div className="snip-editor__row">
            <SelectField
              label="Language"
              name="language"
              value={language}
              onChange={(event) => setLanguage(event.target.value as SnipLanguage)}
              options={languageOptions}
              error={fields.language}
            />
            <SelectField
              label="Visibility"
              name="visibility"
              value={visibility}
              onChange={(event) => setVisibility(event.target.value as SnipVisibility)}
              options={visibilityOptions}
              error={fields.visibility}
            />
          </div>
          <TextField
            label="Tags"
            name="tags"
            value={tagsText}
            onChange={(event) => setTagsText(event.target.value)}
            // Shown as they will be saved ("SQL, #Ops" is "sql, ops"), by the rule the filter bar applies to a typed tag.
            onBlur={() => setTagsText(formatTags(parseTags(tagsText)))}
            error={fields.tags}
            hint={`Separate with commas, up to ${snipLimits.tagsMax}: lowercase letters, digits and dashes.`}
            autoComplete="off"
          />
        </div>
        <TextAreaField
          label="Body"
          name="body"
          value={body}
          onChange={(event) => setBody(event.target.value)}
          error={fields.body}
          monospace
          rows={16}
          spellCheck={false}
        />
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={pending}>
          {submitLabel}
        </Button>
        <ButtonLink to={cancelTo} variant="ghost">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
