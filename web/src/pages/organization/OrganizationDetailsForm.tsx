import { useState, type FormEvent } from 'react';
import { updateOrganization } from '../../api/organizations';
import type { Address, Organization } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { FieldGrid, TextField } from '../../components/Field';
import { Panel } from '../../components/Panel';
import { useToast } from '../../components/Toasts';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';

interface Details {
  name: string;
  logo_url: string;
  address: Address;
}

type DetailsField = 'name' | 'logo_url' | `address.${keyof Address}`;
const FIELDS: readonly DetailsField[] = [
  'name',
  'logo_url',
  'address.line1',
  'address.line2',
  'address.postal_code',
  'address.city',
  'address.region',
  'address.country',
];

const pick = (o: Organization): Details => ({ name: o.name, logo_url: o.logo_url, address: { ...o.address } });

/** Organization details: name, logo and address. Read-only for members. */
export function OrganizationDetailsForm({
  organization,
  canManage,
  onSaved,
}: {
  organization: Organization;
  canManage: boolean;
  onSaved: (organization: Organization) => void;
}) {
  const notify = useToast();
  const [baseline, setBaseline] = useState(() => pick(organization));
  const [draft, setDraft] = useState(baseline);
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<FormErrors<DetailsField>>(NO_ERRORS);
  const dirty = JSON.stringify(draft) !== JSON.stringify(baseline);
  const setAddress = (key: keyof Address, value: string) =>
    setDraft((d) => ({ ...d, address: { ...d.address, [key]: value } }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (draft.name.trim() === '') {
      setErrors({ fields: { name: 'The organization needs a name.' }, banner: null });
      return;
    }
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      const updated = await updateOrganization(organization.id, {
        name: draft.name.trim(),
        logo_url: draft.logo_url.trim(),
        address: draft.address,
      });
      setBaseline(pick(updated));
      setDraft(pick(updated));
      onSaved(updated);
      notify('Organization details saved.');
    } catch (error) {
      setErrors(formErrors(error, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  const readOnly = !canManage;
  const address = (key: keyof Address, label: string, autoComplete: string) => (
    <TextField
      label={label}
      optional
      readOnly={readOnly}
      autoComplete={autoComplete}
      value={draft.address[key]}
      onChange={(v) => setAddress(key, v)}
      error={errors.fields[`address.${key}`]}
    />
  );

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label="Organization details">
      <Panel
        title="Organization details"
        description={readOnly ? 'Only owners and administrators of the organization can change these.' : 'The company behind your stores.'}
        footer={
          readOnly ? undefined : (
            <>
              {dirty && (
                <Button variant="ghost" onClick={() => setDraft(baseline)} disabled={saving}>
                  Discard
                </Button>
              )}
              <Button type="submit" variant="primary" loading={saving} disabled={!dirty}>
                Save
              </Button>
            </>
          )
        }
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <FieldGrid>
          <TextField
            label="Name"
            readOnly={readOnly}
            value={draft.name}
            onChange={(v) => setDraft((d) => ({ ...d, name: v }))}
            error={errors.fields.name}
          />
          <TextField
            label="Logo URL"
            optional
            type="url"
            readOnly={readOnly}
            value={draft.logo_url}
            onChange={(v) => setDraft((d) => ({ ...d, logo_url: v }))}
            error={errors.fields.logo_url}
            placeholder="https://cdn.example.com/logo.png"
          />
        </FieldGrid>
        <FieldGrid>
          {address('line1', 'Address line 1', 'address-line1')}
          {address('line2', 'Address line 2', 'address-line2')}
        </FieldGrid>
        <FieldGrid columns={3}>
          {address('postal_code', 'Postal code', 'postal-code')}
          {address('city', 'City', 'address-level2')}
          {address('region', 'Region', 'address-level1')}
        </FieldGrid>
        <FieldGrid>{address('country', 'Country', 'country-name')}</FieldGrid>
      </Panel>
    </form>
  );
}
