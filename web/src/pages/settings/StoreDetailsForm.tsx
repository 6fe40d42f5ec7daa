import { useState, type FormEvent } from 'react';
import type { Address, StoreSettings } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Combobox } from '../../components/Combobox';
import { Field, FieldGrid, TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/Panel';
import { languageOptions, timeZoneOptions } from '../../lib/locales';
import { useCurrentStore } from '../../session/Workspace';
import styles from './settings.module.css';
import { useSettingsForm } from './useSettingsForm';

interface Details {
  name: string;
  site_url: string;
  logo_url: string;
  language: string;
  time_zone: string;
  address: Address;
  legal_info: string;
}

const ADDRESS_FIELDS = ['line1', 'line2', 'postal_code', 'city', 'region', 'country'] as const;
type DetailsField =
  | 'name'
  | 'site_url'
  | 'logo_url'
  | 'language'
  | 'time_zone'
  | 'legal_info'
  | `address.${(typeof ADDRESS_FIELDS)[number]}`;
const FIELDS: readonly DetailsField[] = [
  'name',
  'site_url',
  'logo_url',
  'language',
  'time_zone',
  'legal_info',
  ...ADDRESS_FIELDS.map((f) => `address.${f}` as const),
];

const pick = (s: StoreSettings): Details => ({
  name: s.name,
  site_url: s.site_url,
  logo_url: s.logo_url,
  language: s.language,
  time_zone: s.time_zone,
  address: { ...s.address },
  legal_info: s.legal_info,
});

/** Store details: name, site, logo, language, time zone, address and legal information. */
export function StoreDetailsForm({ settings, onSaved }: { settings: StoreSettings; onSaved: (s: StoreSettings) => void }) {
  const store = useCurrentStore();
  const form = useSettingsForm<Details, DetailsField>({
    storeId: store.id,
    settings,
    pick,
    toPatch: (draft) => ({ ...draft, name: draft.name.trim(), site_url: draft.site_url.trim(), logo_url: draft.logo_url.trim() }),
    fields: FIELDS,
    check: (draft) => (draft.name.trim() === '' ? { name: 'The store needs a name.' } : {}),
    savedMessage: 'Store details saved.',
    onSaved,
  });
  const { draft, update, errors } = form;
  const setAddress = (key: keyof Address, value: string) => update('address', { ...draft.address, [key]: value });

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void form.save();
      }}
      noValidate
      aria-label="Store details"
    >
      <Panel
        title="Store details"
        description="How the store is named and shown, and where the shop is."
        footer={<SaveBar dirty={form.dirty} saving={form.saving} onDiscard={form.discard} />}
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <FieldGrid>
          <TextField label="Store name" value={draft.name} onChange={(v) => update('name', v)} error={errors.fields.name} />
          <TextField
            label="Site URL"
            type="url"
            inputMode="url"
            value={draft.site_url}
            onChange={(v) => update('site_url', v)}
            error={errors.fields.site_url}
          />
        </FieldGrid>
        <div className={styles.logoRow}>
          <TextField
            label="Logo URL"
            optional
            type="url"
            inputMode="url"
            placeholder="https://cdn.example.com/logo.png"
            value={draft.logo_url}
            onChange={(v) => update('logo_url', v)}
            error={errors.fields.logo_url}
          />
          <LogoPreview url={draft.logo_url} />
        </div>
        <FieldGrid>
          <Field label="Language" error={errors.fields.language} hint="Default language of contents.">
            {(control) => (
              <Combobox {...control} value={draft.language} options={languageOptions()} onChange={(v) => update('language', v)} />
            )}
          </Field>
          <Field label="Time zone" error={errors.fields.time_zone} hint="Used for schedules, reports and waits.">
            {(control) => (
              <Combobox {...control} value={draft.time_zone} options={timeZoneOptions()} onChange={(v) => update('time_zone', v)} />
            )}
          </Field>
        </FieldGrid>
        <h3 className={styles.subheading}>Address</h3>
        <FieldGrid>
          <TextField label="Address line 1" optional value={draft.address.line1} onChange={(v) => setAddress('line1', v)} error={errors.fields['address.line1']} autoComplete="address-line1" />
          <TextField label="Address line 2" optional value={draft.address.line2} onChange={(v) => setAddress('line2', v)} error={errors.fields['address.line2']} autoComplete="address-line2" />
        </FieldGrid>
        <FieldGrid columns={3}>
          <TextField label="Postal code" optional value={draft.address.postal_code} onChange={(v) => setAddress('postal_code', v)} error={errors.fields['address.postal_code']} autoComplete="postal-code" />
          <TextField label="City" optional value={draft.address.city} onChange={(v) => setAddress('city', v)} error={errors.fields['address.city']} autoComplete="address-level2" />
          <TextField label="Region" optional value={draft.address.region} onChange={(v) => setAddress('region', v)} error={errors.fields['address.region']} autoComplete="address-level1" />
        </FieldGrid>
        <FieldGrid>
          <TextField label="Country" optional value={draft.address.country} onChange={(v) => setAddress('country', v)} error={errors.fields['address.country']} autoComplete="country-name" />
        </FieldGrid>
        <TextAreaField
          label="Legal information"
          optional
          value={draft.legal_info}
          onChange={(v) => update('legal_info', v)}
          error={errors.fields.legal_info}
          placeholder="Company name, registration and tax numbers…"
          hint="Shown where the law asks for it, such as email footers."
          rows={3}
        />
      </Panel>
    </form>
  );
}

function LogoPreview({ url }: { url: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  const trimmed = url.trim();
  const usable = /^https?:\/\//.test(trimmed) && failed !== trimmed;
  return (
    <div className={styles.logoPreview} aria-hidden="true">
      {usable ? <img src={trimmed} alt="" onError={() => setFailed(trimmed)} /> : <Icon name="store" size={22} />}
    </div>
  );
}

/** The footer of a settings form: unsaved-changes note, Discard and Save. */
export function SaveBar({ dirty, saving, onDiscard }: { dirty: boolean; saving: boolean; onDiscard: () => void }) {
  return (
    <>
      {dirty && <span className={styles.dirty}>You have unsaved changes.</span>}
      {dirty && (
        <Button variant="ghost" onClick={onDiscard} disabled={saving}>
          Discard
        </Button>
      )}
      <Button type="submit" variant="primary" loading={saving} disabled={!dirty}>
        Save
      </Button>
    </>
  );
}
