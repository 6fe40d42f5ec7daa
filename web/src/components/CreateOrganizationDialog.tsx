import { useState } from 'react';
import { createOrganization } from '../api/organizations';
import type { Organization } from '../api/types';
import { formErrors, NO_ERRORS, type FormErrors } from '../lib/errors';
import { Banner } from './Banner';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { TextField } from './Field';

interface CreateOrganizationDialogProps {
  open: boolean;
  onClose: () => void;
  /** After the organization exists (the session is not refreshed here). */
  onCreated: (organization: Organization) => void | Promise<void>;
}

/** "Create organization": a name; the creator becomes its owner. */
export function CreateOrganizationDialog({ open, ...props }: CreateOrganizationDialogProps) {
  return open ? <CreateOrganizationForm {...props} /> : null;
}

function CreateOrganizationForm({ onClose, onCreated }: Omit<CreateOrganizationDialogProps, 'open'>) {
  const [name, setName] = useState('');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'name'>>(NO_ERRORS);

  const submit = async () => {
    if (name.trim() === '') {
      setErrors({ fields: { name: 'Name the organization, usually after the company.' }, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      await onCreated(await createOrganization(name.trim()));
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['name'] as const));
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Create organization"
      description="An organization holds your stores and the people who work on them. You will be its owner."
      busy={pending}
      width="sm"
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Create organization
          </Button>
        </>
      }
    >
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      <TextField label="Organization name" autoFocus value={name} onChange={setName} error={errors.fields.name} placeholder="Acme Retail" />
    </Dialog>
  );
}
