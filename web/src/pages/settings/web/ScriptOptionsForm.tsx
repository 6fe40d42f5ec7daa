import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { StoreSettings } from '../../../api/types';
import { Banner } from '../../../components/Banner';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Icon } from '../../../components/Icon';
import { Panel } from '../../../components/Panel';
import { ServerMessage } from '../../../components/ServerMessage';
import { useCurrentStore } from '../../../session/Workspace';
import { SaveBar } from '../StoreDetailsForm';
import { useSettingsForm } from '../useSettingsForm';
import fieldStyles from '../../../components/Field.module.css';
import styles from './web.module.css';

interface Draft {
  include_urls: string[];
  exclude_urls: string[];
  /** A percentage as typed; checked and converted to a share on save. */
  sampling: string;
}

type OptionsField = 'script_options.include_urls' | 'script_options.exclude_urls' | 'script_options.sampling';
const FIELDS: readonly OptionsField[] = ['script_options.include_urls', 'script_options.exclude_urls', 'script_options.sampling'];

/** 0.25 → "25"; shares are kept to two decimals of a percent. */
function percent(share: number): string {
  return String(Math.round(share * 10000) / 100);
}

const pick = (s: StoreSettings): Draft => ({
  include_urls: [...s.script_options.include_urls],
  exclude_urls: [...s.script_options.exclude_urls],
  sampling: percent(s.script_options.sampling),
});

const cleanList = (list: readonly string[]) => list.map((p) => p.trim()).filter((p) => p !== '');

/** As the server checks them: at most 50 patterns of at most 500 characters per list. */
const MAX_PATTERNS = 50;
const MAX_PATTERN_LENGTH = 500;

/** The first problem of a pattern list, with the position (from 0) of the pattern at fault. */
function listProblem(list: readonly string[]): { message: string; index?: number } | null {
  const kept = list.map((p) => p.trim());
  // Invisible characters (a pasted tab or line break): the server refuses them.
  const control = kept.findIndex((p) => /[\u0000-\u001f\u007f]/.test(p));
  if (control >= 0) {
    const at = (kept[control] ?? '').search(/[\u0000-\u001f\u007f]/);
    return {
      message: `Pattern ${control + 1} contains an invisible control character at position ${at + 1}; retype it without pasting.`,
      index: control,
    };
  }
  const long = kept.findIndex((p) => p.length > MAX_PATTERN_LENGTH);
  if (long >= 0) {
    return {
      message: `Pattern ${long + 1} has ${kept[long]?.length ?? 0} characters; shorten it to ${MAX_PATTERN_LENGTH} or fewer (a * can stand for the rest).`,
      index: long,
    };
  }
  const count = kept.filter((p) => p !== '').length;
  if (count > MAX_PATTERNS) return { message: `At most ${MAX_PATTERNS} patterns; remove ${count - MAX_PATTERNS}.` };
  return null;
}

function parsePercent(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 0 && value <= 100 ? value : null;
}

/** `*` matches any characters; everything else is literal (as the script matches `location.href`). */
function globMatches(pattern: string, url: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(url);
}

/**
 * What in these options stops the script everywhere, though it is valid: an include pattern that no page
 * address can match (it is compared with the whole address, which starts with http), or a sampling of 0.
 */
function trackingOffWarnings(draft: Draft, sampling: number | null): string[] {
  const warnings = cleanList(draft.include_urls)
    // Case-sensitive, as the script compares: location.href starts with a lower-case "https://".
    .filter((p) => !p.startsWith('*') && !/^https?:\/\//.test(p))
    .map((p) => `\`${p}\` matches no page: a pattern is compared with the whole address (https://…), so start it with https:// or *.`);
  if (sampling === 0) warnings.push('At 0 %, the script tracks no visitor: no page sends anything.');
  return warnings;
}

/** As the script matches an authorized domain: the host, `*.` covering the domain and its subdomains, a port when given. */
function domainAllowed(pattern: string, hostname: string, hostWithPort: string): boolean {
  const p = pattern.toLowerCase();
  const got = (p.includes(':') ? hostWithPort : hostname).toLowerCase();
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return got === base || got.endsWith(`.${base}`);
  }
  return got === p;
}

/** `value` once it has stayed the same for `ms` (compared as JSON); the first value at once. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(JSON.parse(key) as T), ms);
    return () => window.clearTimeout(timer);
  }, [key, ms]);
  return settled;
}

/** What the script would do on `url` with these patterns and the store's authorized domains. */
function verdict(
  draft: Draft,
  url: string,
  domains: readonly string[],
  sampling: number | null,
): { tracked: boolean; why: string } {
  let page: URL | null = null;
  try {
    page = new URL(url);
  } catch {
    page = null;
  }
  if (page === null || !/^https?:$/.test(page.protocol)) {
    return { tracked: false, why: 'this is not a page address; enter it whole, starting with https://' };
  }
  if (domains.length > 0 && !domains.some((d) => domainAllowed(d, page.hostname, page.host))) {
    return { tracked: false, why: `${page.host} is not an authorized domain of the store (add it above)` };
  }
  // The address as the browser gives it to the script (location.href: "https://shop.example/").
  url = page.href;
  if (sampling === 0) return { tracked: false, why: 'sampling is 0 %, so no visitor is tracked' };
  const include = cleanList(draft.include_urls);
  const exclude = cleanList(draft.exclude_urls);
  const excludedBy = exclude.find((p) => globMatches(p, url));
  if (excludedBy !== undefined) return { tracked: false, why: `it matches the excluded pattern ${excludedBy}` };
  if (include.length > 0) {
    const includedBy = include.find((p) => globMatches(p, url));
    return includedBy !== undefined
      ? { tracked: true, why: `it matches the included pattern ${includedBy}` }
      : { tracked: false, why: 'it matches none of the included patterns' };
  }
  return { tracked: true, why: 'no included pattern is set, so every page not excluded is tracked' };
}

/** The verdict, with the share of visitors when not all are tracked. */
function withSampling(result: { tracked: boolean; why: string }, sampling: number | null) {
  return result.tracked && sampling !== null && sampling < 100
    ? { ...result, why: `${result.why}, for the ${sampling} % of visitors in the sample` }
    : result;
}

/** Script options: the pages the script runs on (include/exclude URL patterns) and the share of visitors. */
export function ScriptOptionsForm({ settings, onSaved }: { settings: StoreSettings; onSaved: (s: StoreSettings) => void }) {
  const store = useCurrentStore();
  const [testUrl, setTestUrl] = useState('');
  const testId = useId();
  const form = useSettingsForm<Draft, OptionsField>({
    storeId: store.id,
    settings,
    pick,
    toPatch: (draft) => ({
      // The server replaces the options as a whole: always send all three.
      script_options: {
        include_urls: cleanList(draft.include_urls),
        exclude_urls: cleanList(draft.exclude_urls),
        sampling: (parsePercent(draft.sampling) ?? 100) / 100,
      },
    }),
    fields: FIELDS,
    check: (draft) => {
      const problems: Partial<Record<OptionsField, string>> = {};
      const include = listProblem(draft.include_urls);
      const exclude = listProblem(draft.exclude_urls);
      if (include !== null) problems['script_options.include_urls'] = include.message;
      if (exclude !== null) problems['script_options.exclude_urls'] = exclude.message;
      if (parsePercent(draft.sampling) === null) problems['script_options.sampling'] = 'Enter a percentage from 0 to 100.';
      return problems;
    },
    savedMessage: 'Script options saved. Browsers pick them up within 5 minutes.',
    onSaved,
  });
  const { draft, update, errors } = form;
  const sampling = parsePercent(draft.sampling);
  const result =
    testUrl.trim() === '' ? null : withSampling(verdict(draft, testUrl.trim(), settings.authorized_domains, sampling), sampling);
  const warnings = trackingOffWarnings(draft, sampling);
  // Shown once typing pauses: "https://" half typed is not worth a warning.
  const shownWarnings = useSettled(warnings, 700);
  const [confirming, setConfirming] = useState(false);

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        // Options that stop the script everywhere are saved only when confirmed.
        if (warnings.length > 0) setConfirming(true);
        else void form.save();
      }}
      noValidate
      aria-label="Script options"
    >
      <Panel
        level={3}
        title="Script options"
        description="Limit the pages the script runs on and the share of visitors it tracks. Patterns are matched against the whole page address; * stands for any characters."
        footer={<SaveBar dirty={form.dirty} saving={form.saving} onDiscard={form.discard} />}
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        {shownWarnings.length > 0 && (
          <Banner tone="warning" title="These options stop the script">
            {shownWarnings.map((warning) => (
              <p key={warning}>
                <ServerMessage text={warning} />
              </p>
            ))}
          </Banner>
        )}
        <ConfirmDialog
          open={confirming}
          title="Stop tracking on every page?"
          confirmLabel="Save anyway"
          onConfirm={form.save}
          onClose={() => setConfirming(false)}
        >
          {warnings.map((warning) => (
            <p key={warning}>
              <ServerMessage text={warning} />
            </p>
          ))}
          <p>Your shop will send nothing to Starling until the options change again.</p>
        </ConfirmDialog>
        <div className={styles.patternGrid}>
          <PatternList
            legend="Include URLs"
            hint="When set, the script runs only on pages matching one of these. Leave empty to track every page."
            placeholder="*/shop/*"
            patterns={draft.include_urls}
            onChange={(list) => {
              update('include_urls', list);
              form.clearError('script_options.include_urls');
            }}
            {...listError(draft.include_urls, errors.fields['script_options.include_urls'], errors.items?.['script_options.include_urls'])}
          />
          <PatternList
            legend="Exclude URLs"
            hint="Pages matching one of these send nothing, such as payment or account pages."
            placeholder="*/checkout/payment*"
            patterns={draft.exclude_urls}
            onChange={(list) => {
              update('exclude_urls', list);
              form.clearError('script_options.exclude_urls');
            }}
            {...listError(draft.exclude_urls, errors.fields['script_options.exclude_urls'], errors.items?.['script_options.exclude_urls'])}
          />
        </div>
        <div className={styles.tryUrl}>
          <label className={fieldStyles.label} htmlFor={testId}>
            Try an address
          </label>
          <input
            id={testId}
            className={fieldStyles.input}
            type="url"
            value={testUrl}
            placeholder="https://shop.example/checkout/payment"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setTestUrl(e.target.value)}
          />
          {result !== null && (
            <p className={result.tracked ? styles.tracked : styles.notTracked} role="status">
              <Icon name={result.tracked ? 'checkCircle' : 'ban'} size={15} />
              {result.tracked ? 'Tracked' : 'Not tracked'}: {result.why}.
            </p>
          )}
        </div>
        <SamplingField
          value={draft.sampling}
          share={sampling}
          onChange={(value) => {
            update('sampling', value);
            form.clearError('script_options.sampling');
          }}
          error={errors.fields['script_options.sampling']}
        />
      </Panel>
    </form>
  );
}

/**
 * The row of `patterns` an error is about: the one the server named (`include_urls[2]` counts the patterns
 * sent, empty rows left out), else the one the check before sending found; `null` when the error is about
 * the list.
 */
function errorRow(patterns: readonly string[], sentIndex: number | undefined): number | null {
  if (sentIndex !== undefined) {
    let sent = -1;
    for (let row = 0; row < patterns.length; row++) {
      if ((patterns[row] ?? '').trim() !== '') sent++;
      if (sent === sentIndex) return row;
    }
  }
  return listProblem(patterns)?.index ?? null;
}

/** A list's error and its row; a server error about one pattern says which ("Pattern 3: …"). */
function listError(
  patterns: readonly string[],
  message: string | undefined,
  sentIndex: number | undefined,
): { error: string | undefined; errorRow: number | null } {
  if (message === undefined) return { error: undefined, errorRow: null };
  const row = errorRow(patterns, sentIndex);
  return { error: sentIndex !== undefined && row !== null ? `Pattern ${row + 1}: ${message}` : message, errorRow: row };
}

function PatternList({
  legend,
  hint,
  placeholder,
  patterns,
  onChange,
  error,
  errorRow,
}: {
  legend: string;
  hint: string;
  placeholder: string;
  patterns: string[];
  onChange: (patterns: string[]) => void;
  error: string | undefined;
  /** The row the error is about; `null`: the list as a whole. */
  errorRow: number | null;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error !== undefined ? errorId : null, hintId].filter(Boolean).join(' ');
  // "Add pattern" puts the cursor in the new row.
  const rows = useRef<(HTMLInputElement | null)[]>([]);
  const [focusRow, setFocusRow] = useState<number | null>(null);
  const addButton = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    if (focusRow < 0) addButton.current?.focus();
    else rows.current[focusRow]?.focus();
    setFocusRow(null);
  }, [focusRow]);
  // A new error about one row: the cursor goes there.
  useEffect(() => {
    if (error !== undefined && errorRow !== null) rows.current[errorRow]?.focus();
  }, [error, errorRow]);
  const rowInvalid = (index: number) => error !== undefined && (errorRow === null || errorRow === index);
  return (
    <fieldset className={styles.patterns} aria-describedby={describedBy}>
      <legend className={fieldStyles.label}>{legend}</legend>
      {patterns.length > 0 && (
        <ul className={styles.patternRows}>
          {patterns.map((pattern, index) => (
            <li key={index}>
              <input
                ref={(element) => {
                  rows.current[index] = element;
                }}
                className={fieldStyles.input}
                value={pattern}
                placeholder={placeholder}
                aria-label={`${legend}: pattern ${index + 1}`}
                aria-invalid={rowInvalid(index) ? true : undefined}
                aria-describedby={rowInvalid(index) ? describedBy : hintId}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => onChange(patterns.map((p, i) => (i === index ? e.target.value : p)))}
              />
              <Button
                size="sm"
                variant="ghost"
                icon="trash"
                aria-label={`Remove ${legend.toLowerCase()} pattern ${index + 1}`}
                onClick={() => {
                  onChange(patterns.filter((_, i) => i !== index));
                  // The cursor goes to the row that takes this one's place, else to "Add pattern".
                  setFocusRow(index < patterns.length - 1 ? index : patterns.length > 1 ? index - 1 : -1);
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button
          ref={addButton}
          size="sm"
          icon="plus"
          onClick={() => {
            onChange([...patterns, '']);
            setFocusRow(patterns.length);
          }}
        >
          Add pattern
        </Button>
      </div>
      {error !== undefined && (
        <p className={fieldStyles.error} id={errorId}>
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
      <p className={fieldStyles.hint} id={hintId}>
        {hint}
      </p>
    </fieldset>
  );
}

function SamplingField({
  value,
  share,
  onChange,
  error,
}: {
  value: string;
  share: number | null;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error !== undefined ? errorId : null, hintId].filter(Boolean).join(' ');
  return (
    <div className={fieldStyles.field}>
      <label className={fieldStyles.label} htmlFor={id}>
        Sampling
      </label>
      <div className={styles.sampling}>
        <input
          type="range"
          className={styles.slider}
          min={0}
          max={100}
          step={1}
          value={share ?? 100}
          aria-label="Sampling slider"
          aria-valuetext={`${share ?? 100}% of visitors`}
          onChange={(e) => onChange(e.target.value)}
        />
        <div className={fieldStyles.withSuffix}>
          <input
            id={id}
            className={`${fieldStyles.input} ${styles.percent}`}
            inputMode="decimal"
            value={value}
            aria-invalid={error !== undefined ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.value)}
          />
          <span className={fieldStyles.suffix} aria-hidden="true">
            %
          </span>
        </div>
      </div>
      {error !== undefined && (
        <p className={fieldStyles.error} id={errorId}>
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
      <p className={fieldStyles.hint} id={hintId}>
        The share of visitors tracked. Each browser decides once whether it is in the sample, so a visitor is tracked
        on every page or on none; 100% tracks everyone.
      </p>
    </div>
  );
}
