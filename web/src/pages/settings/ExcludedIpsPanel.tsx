import { useState } from 'react';
import { addExcludedIp, listExcludedIps, removeExcludedIp } from '../../api/stores';
import type { ExcludedIp } from '../../api/types';
import { actorLabel } from '../../components/AuditLog';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/EmptyState';
import { TextField } from '../../components/Field';
import { Panel } from '../../components/Panel';
import { RelativeTime } from '../../components/RelativeTime';
import { Spinner } from '../../components/Spinner';
import { Muted, Table } from '../../components/Table';
import { useToast } from '../../components/Toasts';
import { errorMessage, formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { useResource } from '../../lib/useResource';
import { useCurrentStore } from '../../session/Workspace';
import styles from './ApiKeysPanel.module.css';

/** Excluded IPs: addresses and ranges whose events are not collected (the office, the agency, test bots). */
export function ExcludedIpsPanel() {
  const store = useCurrentStore();
  const notify = useToast();
  const { state, reload, setData } = useResource((signal) => listExcludedIps(store.id, signal), [store.id]);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ExcludedIp | null>(null);

  return (
    <Panel
      title="Excluded IPs"
      description="Events from these addresses are not collected, so your team’s own visits do not count as customer activity."
      flush
      actions={
        <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
          Add an IP to exclude
        </Button>
      }
    >
      {state.status === 'loading' && (
        <p className={styles.status} role="status">
          <Spinner /> Loading excluded IPs…
        </p>
      )}
      {state.status === 'error' && (
        <div className={styles.padded}>
          <Banner tone="error" action={<Button size="sm" onClick={reload}>Try again</Button>}>
            {errorMessage(state.error)}
          </Banner>
        </div>
      )}
      {state.status === 'ready' && state.data.length === 0 && (
        <EmptyState variant="inline" icon="ban" title="No excluded IPs">
          Exclude your office or agency so that your own visits stay out of contacts and reports.
        </EmptyState>
      )}
      {state.status === 'ready' && state.data.length > 0 && (
        <Table label="Excluded IPs">
          <thead>
            <tr>
              <th scope="col">IP or range</th>
              <th scope="col">Label</th>
              <th scope="col">Added</th>
              <th scope="col" data-align="end">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <code>{entry.ip}</code>
                </td>
                <td>{entry.label === '' ? <Muted>—</Muted> : entry.label}</td>
                <td>
                  <RelativeTime iso={entry.created_at} />{' '}
                  {entry.created_by.type !== 'none' && <Muted>by {actorLabel(entry.created_by)}</Muted>}
                </td>
                <td data-align="end">
                  <Button size="sm" variant="ghost" icon="trash" aria-label={`Remove ${entry.ip}`} onClick={() => setRemoving(entry)}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <AddExcludedIpDialog
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(entry) => {
          setData((list) => [...list, entry]);
          notify(`${entry.ip} excluded.`);
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        title="Stop excluding this IP?"
        confirmLabel="Remove"
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (removing === null) return;
          const id = removing.id;
          await removeExcludedIp(store.id, id);
          setData((list) => list.filter((e) => e.id !== id));
          notify(`${removing.ip} is no longer excluded.`);
        }}
      >
        Events from <code>{removing?.ip}</code> will be collected again.
      </ConfirmDialog>
    </Panel>
  );
}

function AddExcludedIpDialog({
  open,
  ...props
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (entry: ExcludedIp) => void;
}) {
  return open ? <AddExcludedIpForm {...props} /> : null;
}

function AddExcludedIpForm({ onClose, onAdded }: { onClose: () => void; onAdded: (entry: ExcludedIp) => void }) {
  const store = useCurrentStore();
  const [ip, setIp] = useState('');
  const [label, setLabel] = useState('');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'ip' | 'label'>>(NO_ERRORS);

  const submit = async () => {
    if (ip.trim() === '') {
      setErrors({ fields: { ip: 'Enter an IP address or a range.' }, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      onAdded(await addExcludedIp(store.id, ip.trim(), label.trim()));
      onClose();
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['ip', 'label'] as const));
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Add an IP to exclude"
      description="Events sent from this address or range will not be collected for this store."
      busy={pending}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Add IP
          </Button>
        </>
      }
    >
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      <TextField
        label="IP address or range"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        value={ip}
        onChange={setIp}
        error={errors.fields.ip}
        placeholder="203.0.113.0/24"
        hint="An IPv4 or IPv6 address (203.0.113.7, 2001:db8::1) or a CIDR range (203.0.113.0/24)."
      />
      <TextField
        label="Label"
        optional
        value={label}
        onChange={setLabel}
        error={errors.fields.label}
        placeholder="Office"
      />
    </Dialog>
  );
}
