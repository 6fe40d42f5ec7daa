import { useState, type FormEvent } from 'react';
import { changePassword, updateMe } from '../../api/auth';
import { ApiError } from '../../api/client';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { FieldGrid, TextField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { Panel, PanelStack } from '../../components/Panel';
import { useToast } from '../../components/Toasts';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { checkNewPassword, PASSWORD_HINT } from '../../lib/passwords';
import { useSession, useSessionContext } from '../../session/SessionContext';

/** `/account`: the signed-in person's name and password. */
export function AccountPage() {
  return (
    <>
      <PageHeader title="Your account" description="How you appear to your teammates, and how you sign in." />
      <PanelStack>
        <ProfileForm />
        <PasswordForm />
      </PanelStack>
    </>
  );
}

function ProfileForm() {
  const { user } = useSession();
  const { refresh } = useSessionContext();
  const notify = useToast();
  const [name, setName] = useState(user.name);
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<FormErrors<'name'>>(NO_ERRORS);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setErrors({ fields: { name: 'Enter your name.' }, banner: null });
      return;
    }
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      await updateMe(name.trim());
      await refresh();
      notify('Your name was saved.');
    } catch (error) {
      setErrors(formErrors(error, ['name'] as const));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label="Profile">
      <Panel
        title="Profile"
        footer={
          <Button type="submit" variant="primary" loading={saving} disabled={name.trim() === user.name}>
            Save
          </Button>
        }
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <FieldGrid>
          <TextField label="Name" autoComplete="name" value={name} onChange={setName} error={errors.fields.name} />
          <TextField label="Email" value={user.email} onChange={() => undefined} readOnly hint="Your email is how you sign in." />
        </FieldGrid>
      </Panel>
    </form>
  );
}

type PasswordField = 'current_password' | 'new_password' | 'confirm';

function PasswordForm() {
  const notify = useToast();
  const { user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<FormErrors<PasswordField>>(NO_ERRORS);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const problems: FormErrors<PasswordField>['fields'] = {};
    if (current === '') problems.current_password = 'Enter your current password.';
    const check = checkNewPassword(next, confirm);
    if (check?.password !== undefined) problems.new_password = check.password;
    if (check?.confirm !== undefined) problems.confirm = check.confirm;
    if (Object.keys(problems).length > 0) {
      setErrors({ fields: problems, banner: null });
      return;
    }
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      notify('Password changed. Your other sessions were signed out.');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setErrors({ fields: { current_password: 'This is not your current password.' }, banner: null });
      } else {
        setErrors(formErrors(error, ['current_password', 'new_password'] as const));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate aria-label="Password">
      <Panel
        title="Password"
        description="Changing it signs you out everywhere else."
        footer={
          <Button type="submit" variant="primary" loading={saving}>
            Change password
          </Button>
        }
      >
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <input type="hidden" name="username" autoComplete="username" value={user.email} />
        <FieldGrid columns={3}>
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            error={errors.fields.current_password}
          />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={setNext}
            error={errors.fields.new_password}
            hint={PASSWORD_HINT}
          />
          <TextField
            label="Confirm new password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={setConfirm}
            error={errors.fields.confirm}
          />
        </FieldGrid>
      </Panel>
    </form>
  );
}
