import { useState } from 'react';
import { createStore } from '../api/organizations';
import type { StoreSettings } from '../api/types';
import { formErrors, NO_ERRORS, type FormErrors } from '../lib/errors';
import { browserTimeZone, currencyOptions, languageOptions, timeZoneOptions } from '../lib/locales';
import { Banner } from './Banner';
import { Button } from './Button';
import { Combobox } from './Combobox';
import { Dialog } from './Dialog';
import { Field, FieldGrid, TextField } from './Field';

type StoreField = 'name' | 'site_url' | 'time_zone' | 'currency' | 'language';
const FIELDS: readonly StoreField[] = ['name', 'site_url', 'time_zone', 'currency', 'language'];

interface CreateStoreDialogProps {
  open: boolean;
  organizationId: number;
  organizationName: string;
  onClose: () => void;
  /** After the store exists (the session is not refreshed here). */
  onCreated: (store: StoreSettings) => void | Promise<void>;
}

/** "Create store": name, site URL, time zone, currency, language. The creator administers the new store. */
export function CreateStoreDialog({ open, ...props }: CreateStoreDialogProps) {
  return open ? <CreateStoreForm {...props} /> : null;
}

function CreateStoreForm({ organizationId, organizationName, onClose, onCreated }: Omit<CreateStoreDialogProps, 'open'>) {
  const [name, setName] = useState('');
  const [siteUrl, setSiteUrl] = useState('https://');
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [currency, setCurrency] = useState('EUR');
  const [language, setLanguage] = useState('en');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<StoreField>>(NO_ERRORS);

  const submit = async () => {
    const missing: FormErrors<StoreField>['fields'] = {};
    if (name.trim() === '') missing.name = 'Name the store, e.g. after its shop or country.';
    if (siteUrl.trim() === '' || siteUrl.trim() === 'https://') missing.site_url = 'Enter the address of the shop.';
    if (Object.keys(missing).length > 0) {
      setErrors({ fields: missing, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const store = await createStore(organizationId, {
        name: name.trim(),
        site_url: siteUrl.trim(),
        time_zone: timeZone,
        currency,
        language,
      });
      await onCreated(store);
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, FIELDS));
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Create store"
      description={`A new store in ${organizationName}. You will be one of its administrators.`}
      busy={pending}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Create store
          </Button>
        </>
      }
    >
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      <TextField label="Store name" autoFocus value={name} onChange={setName} error={errors.fields.name} placeholder="My shop — France" />
      <TextField
        label="Site URL"
        type="url"
        inputMode="url"
        value={siteUrl}
        onChange={setSiteUrl}
        error={errors.fields.site_url}
        hint="The address of the online shop this store tracks."
      />
      <Field label="Time zone" error={errors.fields.time_zone} hint="Used for schedules, reports and “wait until” steps.">
        {(control) => <Combobox {...control} value={timeZone} options={timeZoneOptions()} onChange={setTimeZone} />}
      </Field>
      <FieldGrid>
        <Field label="Currency" error={errors.fields.currency}>
          {(control) => <Combobox {...control} value={currency} options={currencyOptions()} onChange={setCurrency} />}
        </Field>
        <Field label="Language" error={errors.fields.language}>
          {(control) => <Combobox {...control} value={language} options={languageOptions()} onChange={setLanguage} />}
        </Field>
      </FieldGrid>
    </Dialog>
  );
}
