import { useState } from 'react';
import { updateStoreSettings } from '../../api/stores';
import type { StoreSettings, StoreSettingsPatch } from '../../api/types';
import { useToast } from '../../components/Toasts';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';

/**
 * The state of one section of the store settings: a draft taken from the saved settings, whether it
 * differs, and saving it with `PATCH /settings` (field errors beside the inputs, others in a banner, a toast
 * on success).
 */
export function useSettingsForm<D, F extends string>(options: {
  storeId: number;
  settings: StoreSettings;
  pick: (settings: StoreSettings) => D;
  toPatch: (draft: D) => StoreSettingsPatch;
  fields: readonly F[];
  /** Errors found before sending; return `{}` when the draft is fine. */
  check?: (draft: D) => Partial<Record<F, string>>;
  savedMessage: string;
  onSaved: (settings: StoreSettings) => void;
}) {
  const notify = useToast();
  const [baseline, setBaseline] = useState<D>(() => options.pick(options.settings));
  const [draft, setDraft] = useState<D>(baseline);
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<FormErrors<F>>(NO_ERRORS);

  const dirty = JSON.stringify(draft) !== JSON.stringify(baseline);

  const update = <K extends keyof D>(key: K, value: D[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
  };

  const save = async () => {
    const problems = options.check?.(draft) ?? {};
    if (Object.keys(problems).length > 0) {
      setErrors({ fields: problems, banner: null });
      return;
    }
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      const updated = await updateStoreSettings(options.storeId, options.toPatch(draft));
      const saved = options.pick(updated);
      setBaseline(saved);
      setDraft(saved);
      options.onSaved(updated);
      notify(options.savedMessage);
    } catch (error) {
      setErrors(formErrors(error, options.fields));
    } finally {
      setSaving(false);
    }
  };

  /** Forgets the errors of `field` (its value was edited: they may no longer hold). */
  const clearError = (field: F) => {
    setErrors((current) => {
      if (current.fields[field] === undefined && current.items?.[field] === undefined) return current;
      const fields: Partial<Record<F, string>> = { ...current.fields };
      delete fields[field];
      const items: Partial<Record<F, number>> = { ...(current.items ?? {}) };
      delete items[field];
      return { ...current, fields, items };
    });
  };

  const discard = () => {
    setDraft(baseline);
    setErrors(NO_ERRORS);
  };

  return { draft, update, setDraft, dirty, saving, errors, save, discard, clearError };
}
