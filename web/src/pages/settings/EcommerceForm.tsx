import type { FormEvent } from 'react';
import type { IntegrationType, StoreSettings } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Combobox } from '../../components/Combobox';
import { Field, FieldGrid, TextField } from '../../components/Field';
import { Panel } from '../../components/Panel';
import { RadioCards, type RadioCardOption } from '../../components/RadioCards';
import { currencyOptions } from '../../lib/locales';
import { useCurrentStore } from '../../session/Workspace';
import { SaveBar } from './StoreDetailsForm';
import { useSettingsForm } from './useSettingsForm';

const INTEGRATIONS: readonly RadioCardOption<IntegrationType>[] = [
  {
    value: 'module',
    label: 'Module',
    description: 'A ready-made module installed in your shop platform sends events and the catalog.',
  },
  {
    value: 'custom',
    label: 'Custom',
    description: 'The tracking script and HTML tags are added to your shop’s own templates.',
  },
  {
    value: 'api',
    label: 'API',
    description: 'Your systems send contacts, products and purchases through the REST API.',
  },
];

interface Ecommerce {
  integration_type: IntegrationType;
  /** As typed; checked and converted on save. */
  cart_abandonment_minutes: string;
  currency: string;
}

type EcommerceField = 'ecommerce.integration_type' | 'ecommerce.cart_abandonment_minutes' | 'currency';
const FIELDS: readonly EcommerceField[] = ['ecommerce.integration_type', 'ecommerce.cart_abandonment_minutes', 'currency'];

const pick = (s: StoreSettings): Ecommerce => ({
  integration_type: s.ecommerce.integration_type,
  cart_abandonment_minutes: String(s.ecommerce.cart_abandonment_minutes),
  currency: s.currency,
});

/** eCommerce: how the shop is integrated, when a cart counts as abandoned, and the store's currency. */
export function EcommerceForm({ settings, onSaved }: { settings: StoreSettings; onSaved: (s: StoreSettings) => void }) {
  const store = useCurrentStore();
  const form = useSettingsForm<Ecommerce, EcommerceField>({
    storeId: store.id,
    settings,
    pick,
    toPatch: (draft) => ({
      currency: draft.currency,
      ecommerce: {
        integration_type: draft.integration_type,
        cart_abandonment_minutes: Number(draft.cart_abandonment_minutes.trim()),
      },
    }),
    fields: FIELDS,
    // Only the format is checked here; the range (5 to 10080) is the server's to enforce and explain.
    check: (draft) =>
      /^\d+$/.test(draft.cart_abandonment_minutes.trim())
        ? {}
        : { 'ecommerce.cart_abandonment_minutes': 'Enter a whole number of minutes, such as 30.' },
    savedMessage: 'eCommerce settings saved.',
    onSaved,
  });
  const { draft, update, errors } = form;

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void form.save();
      }}
      noValidate
      aria-label="eCommerce"
    >
      <Panel
        title="eCommerce"
        description="How your shop sends its data to Starling, and how carts and prices are read."
        footer={<SaveBar dirty={form.dirty} saving={form.saving} onDiscard={form.discard} />}
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <RadioCards
          legend="Integration type"
          name="integration_type"
          columns={3}
          value={draft.integration_type}
          options={INTEGRATIONS}
          onChange={(v) => update('integration_type', v)}
          error={errors.fields['ecommerce.integration_type']}
        />
        <FieldGrid>
          <TextField
            label="Cart abandonment delay"
            inputMode="numeric"
            suffix="minutes"
            value={draft.cart_abandonment_minutes}
            onChange={(v) => update('cart_abandonment_minutes', v)}
            error={errors.fields['ecommerce.cart_abandonment_minutes']}
            hint="A cart with no activity for this long is abandoned: 5 minutes to 7 days (10080), 30 by default."
          />
          <Field label="Currency" error={errors.fields.currency} hint="Prices, revenue and reports are in this currency.">
            {(control) => (
              <Combobox {...control} value={draft.currency} options={currencyOptions()} onChange={(v) => update('currency', v)} />
            )}
          </Field>
        </FieldGrid>
      </Panel>
    </form>
  );
}
