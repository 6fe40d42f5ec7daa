import { useState } from 'react';
import { createApiKey } from '../../api/stores';
import type { NewApiKey } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/Copy';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { useCurrentStore } from '../../session/Workspace';
import fieldStyles from '../../components/Field.module.css';
import { resourceLabel, type Access } from './scopes';
import styles from './ApiKeysPanel.module.css';

interface CreateApiKeyDialogProps {
  open: boolean;
  resources: readonly string[];
  onCreated: (key: NewApiKey) => void;
  onClose: () => void;
}

/** "Create new API key": a name and a read/write grid of resources; then the secret, shown this once. */
export function CreateApiKeyDialog({ open, ...props }: CreateApiKeyDialogProps) {
  return open ? <CreateApiKeyForm {...props} /> : null;
}

type KeyField = 'name' | 'scopes';

function CreateApiKeyForm({ resources, onCreated, onClose }: Omit<CreateApiKeyDialogProps, 'open'>) {
  const store = useCurrentStore();
  const [name, setName] = useState('');
  const [all, setAll] = useState(false);
  const [access, setAccess] = useState<Record<string, Access>>({});
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<KeyField>>(NO_ERRORS);
  const [created, setCreated] = useState<NewApiKey | null>(null);

  if (created !== null) return <SecretOnce apiKey={created} onClose={onClose} />;

  const levelOf = (resource: string): Access => (all ? 'write' : (access[resource] ?? 'none'));

  const toggle = (resource: string, level: 'read' | 'write', checked: boolean) => {
    setAccess((current) => {
      const now = current[resource] ?? 'none';
      let next: Access;
      if (level === 'write') next = checked ? 'write' : now === 'write' ? 'read' : now;
      else next = checked ? (now === 'write' ? 'write' : 'read') : 'none';
      return { ...current, [resource]: next };
    });
  };

  const scopes = (): string[] => {
    if (all) return ['all'];
    return resources.flatMap((resource) => {
      const level = access[resource] ?? 'none';
      return level === 'write' ? [`${resource}:read`, `${resource}:write`] : level === 'read' ? [`${resource}:read`] : [];
    });
  };

  const submit = async () => {
    const problems: FormErrors<KeyField>['fields'] = {};
    if (name.trim() === '') problems.name = 'Name the key after the system that will use it.';
    if (scopes().length === 0) problems.scopes = 'Choose at least one permission.';
    if (Object.keys(problems).length > 0) {
      setErrors({ fields: problems, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const key = await createApiKey(store.id, name.trim(), scopes());
      onCreated(key);
      setCreated(key);
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['name', 'scopes'] as const));
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Create new API key"
      description={`The key can call the API for ${store.name} only, with the permissions chosen here.`}
      busy={pending}
      width="lg"
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Create API key
          </Button>
        </>
      }
    >
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      <TextField
        label="Name"
        autoFocus
        value={name}
        onChange={setName}
        error={errors.fields.name}
        placeholder="ERP sync"
        hint="Who or what uses this key, so you know what breaks if you revoke it."
      />
      <fieldset className={`${fieldStyles.field} ${styles.fieldset}`}>
        <legend className={`${fieldStyles.label} ${styles.legend}`}>
          Permissions
        </legend>
        <div className={styles.gridWrap}>
          <table className={styles.grid}>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col" className={styles.center}>
                  Read
                </th>
                <th scope="col" className={styles.center}>
                  Write
                </th>
              </tr>
            </thead>
            <tbody>
              <tr className={styles.allRow}>
                <td>
                  <label htmlFor="scope-all">All — every resource, read and write</label>
                </td>
                <td className={styles.center} colSpan={2}>
                  <input id="scope-all" type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
                </td>
              </tr>
              {resources.map((resource) => {
                const level = levelOf(resource);
                return (
                  <tr key={resource}>
                    <td>{resourceLabel(resource)}</td>
                    <td className={styles.center}>
                      <input
                        type="checkbox"
                        aria-label={`${resourceLabel(resource)}: read`}
                        checked={level !== 'none'}
                        disabled={all}
                        onChange={(e) => toggle(resource, 'read', e.target.checked)}
                      />
                    </td>
                    <td className={styles.center}>
                      <input
                        type="checkbox"
                        aria-label={`${resourceLabel(resource)}: write`}
                        checked={level === 'write'}
                        disabled={all}
                        onChange={(e) => toggle(resource, 'write', e.target.checked)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {errors.fields.scopes !== undefined ? (
          <p className={fieldStyles.error}>
            <Icon name="alert" size={14} />
            <span>{errors.fields.scopes}</span>
          </p>
        ) : (
          <p className={fieldStyles.hint}>Write includes read. Give each key only what its system needs.</p>
        )}
      </fieldset>
    </Dialog>
  );
}

function SecretOnce({ apiKey, onClose }: { apiKey: NewApiKey; onClose: () => void }) {
  const header = `Authorization: apiKey ${apiKey.id}:${apiKey.secret}`;
  const curl = `curl -H "${header}" ${window.location.origin}/api/v1/me`;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`API key “${apiKey.name}” created`}
      width="lg"
      footer={
        <Button variant="primary" onClick={onClose} autoFocus>
          I have copied the secret
        </Button>
      }
    >
      <Banner tone="warning" title="Copy the secret now">
        This is the only time Starling shows it. If it is lost, revoke the key and create a new one.
      </Banner>
      <div className={styles.secretList}>
        <div>
          <p className={styles.secretLabel}>Key ID</p>
          <CopyField value={apiKey.id} label="key ID" testId="api-key-id" />
        </div>
        <div>
          <p className={styles.secretLabel}>Secret</p>
          <CopyField value={apiKey.secret} label="secret" testId="api-key-secret" />
        </div>
        <div>
          <p className={styles.secretLabel}>Authorization header</p>
          <CopyField value={header} label="Authorization header" testId="api-key-header" />
        </div>
        <div>
          <p className={styles.secretLabel}>Try it</p>
          <CopyField value={curl} label="curl command" />
        </div>
      </div>
    </Dialog>
  );
}
