import { useState, type FormEvent } from 'react';
import { rotateTrackingToken, updateStoreSettings } from '../../api/stores';
import type { StoreSettings } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/Copy';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/Toasts';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { useCurrentStore } from '../../session/Workspace';
import fieldStyles from '../../components/Field.module.css';
import styles from './settings.module.css';

/** Marks the add button busy (domain buttons use their domain). */
const ADDING = '\u0000adding';

interface SettingsProps {
  settings: StoreSettings;
  onSaved: (settings: StoreSettings) => void;
}

/** The authorized domains of the store (where tracking may come from): list, add, remove. */
export function AuthorizedDomainsEditor({ settings, onSaved }: SettingsProps) {
  const store = useCurrentStore();
  const notify = useToast();
  const [domain, setDomain] = useState('');
  const [busyDomain, setBusyDomain] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors<'authorized_domains'>>(NO_ERRORS);

  const saveDomains = async (domains: string[], busy: string, message: string) => {
    setBusyDomain(busy);
    setErrors(NO_ERRORS);
    try {
      onSaved(await updateStoreSettings(store.id, { authorized_domains: domains }));
      notify(message);
    } catch (error) {
      setErrors(formErrors(error, ['authorized_domains'] as const));
    } finally {
      setBusyDomain(null);
    }
  };

  // The server normalizes what was typed (a pasted URL becomes its host) and drops duplicates.
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const typed = domain.trim();
    if (typed === '') {
      setErrors({ fields: { authorized_domains: 'Enter a domain, such as shop.example.' }, banner: null });
      return;
    }
    setBusyDomain(ADDING);
    setErrors(NO_ERRORS);
    try {
      const before = new Set(settings.authorized_domains);
      const updated = await updateStoreSettings(store.id, { authorized_domains: [...settings.authorized_domains, typed] });
      onSaved(updated);
      const added = updated.authorized_domains.filter((d) => !before.has(d));
      notify(added.length > 0 ? `${added.join(', ')} authorized. Pages already open in a browser pick it up within 5 minutes.` : `${typed} was already authorized.`, added.length > 0 ? 'success' : 'info');
      setDomain('');
    } catch (error) {
      setErrors(formErrors(error, ['authorized_domains'] as const));
    } finally {
      setBusyDomain(null);
    }
  };

  const remove = (host: string) =>
    void saveDomains(
      settings.authorized_domains.filter((d) => d !== host),
      host,
      `${host} removed from the authorized domains.`,
    );

  return (
    <>
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      {settings.authorized_domains.length > 0 ? (
        <ul className={styles.domainList} aria-label="Authorized domains">
          {settings.authorized_domains.map((host) => (
            <li key={host}>
              <span className={styles.domain}>
                <Icon name="globe" size={15} />
                {host}
              </span>
              <Button
                size="sm"
                variant="ghost"
                icon="trash"
                aria-label={`Remove ${host}`}
                loading={busyDomain === host}
                disabled={busyDomain !== null}
                onClick={() => remove(host)}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <Banner tone="warning">
          No domain is authorized yet: add the host names your shop is served from, or tracking requests will be
          refused.
        </Banner>
      )}
      <form className={styles.addRow} onSubmit={(e) => void add(e)} noValidate aria-label="Add authorized domain">
        <Field
          label="Add a domain"
          error={errors.fields.authorized_domains}
          hint="A host name such as www.shop.example, *.shop.example for all its subdomains, or localhost:8080. A pasted address is reduced to its host."
        >
          {(control) => (
            <input
              {...control}
              className={fieldStyles.input}
              value={domain}
              placeholder="www.shop.example"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setDomain(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" icon="plus" loading={busyDomain === ADDING} disabled={busyDomain !== null}>
          Add domain
        </Button>
      </form>
    </>
  );
}

/** The tracking token with its Copy and Rotate buttons (rotation asks first: the old token stops at once). */
export function TrackingTokenField({ settings, onSaved }: SettingsProps) {
  const store = useCurrentStore();
  const notify = useToast();
  const [rotating, setRotating] = useState(false);
  return (
    <div>
      <h3 className={styles.subheading}>Tracking token</h3>
      <p className="muted-note">
        The tracking script and HTML tags send events with this token. Rotate it if it leaked: the old one stops
        working at once.
      </p>
      <div className={`${styles.tokenRow} ${styles.spaced}`}>
        <CopyField value={settings.tracking_token} label="tracking token" testId="tracking-token" />
        <Button icon="refresh" onClick={() => setRotating(true)}>
          Rotate
        </Button>
      </div>
      <ConfirmDialog
        open={rotating}
        title="Rotate the tracking token?"
        confirmLabel="Rotate token"
        onClose={() => setRotating(false)}
        onConfirm={async () => {
          onSaved(await rotateTrackingToken(store.id));
          notify('New tracking token issued. Update your shop’s script.');
        }}
      >
        The current token stops working at once: events from your shop are refused until its script uses the new
        token.
      </ConfirmDialog>
    </div>
  );
}
