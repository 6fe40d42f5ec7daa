import { useState } from 'react';
import type { Member } from '../../api/types';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { formatDateTime, roleLabel } from '../../lib/format';
import { Banner } from '../Banner';
import { Button } from '../Button';
import { CopyField } from '../Copy';
import { Dialog } from '../Dialog';
import { TextField } from '../Field';
import { RadioCards } from '../RadioCards';

export interface RoleChoice<R extends string> {
  value: R;
  label: string;
  description: string;
}

interface AddMemberDialogProps<R extends string> {
  open: boolean;
  placeName: string;
  roles: readonly RoleChoice<R>[];
  defaultRole: R;
  add: (email: string, role: R) => Promise<Member<R>>;
  /** After the member was added or invited (the dialog may stay open to show the invitation link). */
  onAdded: (member: Member<R>) => void;
  onClose: () => void;
}

/**
 * "Add new member": an email and a role. An existing user is added at once; anyone else is invited, and
 * the dialog then shows the invitation link to copy.
 */
export function AddMemberDialog<R extends string>({ open, ...props }: AddMemberDialogProps<R>) {
  return open ? <AddMemberForm {...props} /> : null;
}

function AddMemberForm<R extends string>({
  placeName,
  roles,
  defaultRole,
  add,
  onAdded,
  onClose,
}: Omit<AddMemberDialogProps<R>, 'open'>) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<R>(defaultRole);
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'email' | 'role'>>(NO_ERRORS);
  const [invited, setInvited] = useState<Member<R> | null>(null);

  if (invited !== null) {
    return (
      <Dialog
        open
        onClose={onClose}
        title="Invitation created"
        description={
          <>
            <strong>{invited.email}</strong> is invited to {placeName} as {roleLabel(invited.role)}.
          </>
        }
        footer={
          <Button variant="primary" onClick={onClose} autoFocus>
            Done
          </Button>
        }
      >
        {invited.invitation_url !== null ? (
          <>
            <p>
              Send them this link if the invitation email does not reach them. Whoever opens it can join, so share
              it only with {invited.email}.
            </p>
            <CopyField value={invited.invitation_url} label="invitation link" testId="invitation-link" />
            {invited.expires_at !== null && (
              <p className="muted-note">The link works until {formatDateTime(invited.expires_at)}.</p>
            )}
          </>
        ) : (
          <p>The invitation was sent by email.</p>
        )}
      </Dialog>
    );
  }

  const submit = async () => {
    if (email.trim() === '') {
      setErrors({ fields: { email: 'Enter the email address of the person to add.' }, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const member = await add(email.trim(), role);
      onAdded(member);
      if (member.status === 'invited') {
        setPending(false);
        setInvited(member);
      } else {
        onClose();
      }
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['email', 'role'] as const));
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title="Add new member"
      description={`Someone who already has a Starling account joins ${placeName} at once; anyone else receives an invitation to set a password.`}
      busy={pending}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            Accept
          </Button>
        </>
      }
    >
      {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
      <TextField
        label="Email"
        type="email"
        autoComplete="off"
        autoFocus
        value={email}
        onChange={setEmail}
        error={errors.fields.email}
        placeholder="name@company.com"
      />
      <RadioCards legend="Role" name="role" value={role} options={roles} onChange={setRole} error={errors.fields.role} />
    </Dialog>
  );
}
