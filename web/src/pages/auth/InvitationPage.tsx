import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { acceptInvitation, getInvitation } from '../../api/auth';
import { ApiError } from '../../api/client';
import type { InvitationPreview } from '../../api/types';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { errorMessage, formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { formatDateTime, roleLabel } from '../../lib/format';
import { checkNewPassword, PASSWORD_HINT } from '../../lib/passwords';
import { useResource } from '../../lib/useResource';
import { useSessionContext } from '../../session/SessionContext';
import { rememberStore } from '../../session/Workspace';
import { AuthLayout } from './AuthLayout';
import styles from './AuthLayout.module.css';

/**
 * `/invitations/:token`: what the invitation is for, then the form that accepts it. A new user picks a name
 * and a password; an existing user confirms their password. Either way they end up signed in, in the store.
 */
export function InvitationPage() {
  const { token = '' } = useParams();
  const { state } = useResource((signal) => getInvitation(token, signal), [token]);

  if (state.status === 'loading') {
    return (
      <AuthLayout title="Invitation">
        <p className={styles.loading} role="status">
          <Spinner /> Loading the invitation…
        </p>
      </AuthLayout>
    );
  }
  if (state.status === 'error') {
    const notFound = state.error instanceof ApiError && state.error.status === 404;
    return (
      <AuthLayout title="This invitation cannot be used" footer={<Link to="/login">Go to sign in</Link>}>
        <Banner tone="error">
          {notFound ? 'This invitation link is not valid. Check that you copied all of it.' : errorMessage(state.error)}
        </Banner>
        <p className={styles.after}>Ask the person who invited you to send a new invitation.</p>
      </AuthLayout>
    );
  }
  return <AcceptInvitation token={token} invitation={state.data} />;
}

type AcceptField = 'name' | 'password' | 'confirm';

function AcceptInvitation({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { signedIn } = useSessionContext();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<AcceptField>>(NO_ERRORS);

  const place = invitation.store?.name ?? invitation.organization.name;
  const newUser = !invitation.user_exists;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newUser) {
      const problems: FormErrors<AcceptField>['fields'] = { ...checkNewPassword(password, confirm) };
      if (name.trim() === '') problems.name = 'Enter your name, as your teammates will see it.';
      if (Object.keys(problems).length > 0) {
        setErrors({ fields: problems, banner: null });
        return;
      }
    } else if (password === '') {
      setErrors({ fields: { password: 'Enter the password of your Starling account.' }, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      const session = await acceptInvitation(token, password, newUser ? name.trim() : undefined);
      rememberStore(session.user.id, invitation.organization.id, invitation.store?.id ?? null);
      signedIn(session);
      navigate('/', { replace: true });
    } catch (error) {
      setPending(false);
      if (!newUser && error instanceof ApiError && error.status === 401) {
        setErrors({ fields: { password: 'This is not the password of this account.' }, banner: null });
      } else {
        setErrors(formErrors(error, ['name', 'password'] as const));
      }
    }
  };

  return (
    <AuthLayout
      title={`Join ${place}`}
      subtitle={
        <>
          <strong>{invitation.invited_by}</strong> invited you to work in Starling as{' '}
          {invitation.role === 'administrator' || invitation.role === 'owner' ? 'an' : 'a'}{' '}
          <strong>{roleLabel(invitation.role)}</strong>.
        </>
      }
      footer={
        newUser ? undefined : (
          <Link to={`/reset-password?email=${encodeURIComponent(invitation.email)}`}>Forgot your password?</Link>
        )
      }
    >
      <dl className={styles.facts} aria-label="Invitation">
        {invitation.store !== null && (
          <>
            <dt>Store</dt>
            <dd>{invitation.store.name}</dd>
          </>
        )}
        <dt>Organization</dt>
        <dd>{invitation.organization.name}</dd>
        <dt>Role</dt>
        <dd>{roleLabel(invitation.role)}</dd>
        <dt>Email</dt>
        <dd>{invitation.email}</dd>
        <dt>Invited by</dt>
        <dd>{invitation.invited_by}</dd>
        <dt>Expires</dt>
        <dd>{formatDateTime(invitation.expires_at)}</dd>
      </dl>
      <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label="Accept invitation">
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        {newUser ? (
          <>
            <TextField
              label="Your name"
              name="name"
              autoComplete="name"
              autoFocus
              value={name}
              onChange={setName}
              error={errors.fields.name}
            />
            <TextField
              label="Password"
              type="password"
              name="new-password"
              autoComplete="new-password"
              value={password}
              onChange={setPassword}
              error={errors.fields.password}
              hint={PASSWORD_HINT}
            />
            <TextField
              label="Confirm password"
              type="password"
              name="confirm-password"
              autoComplete="new-password"
              value={confirm}
              onChange={setConfirm}
              error={errors.fields.confirm}
            />
          </>
        ) : (
          <>
            <p className={styles.note}>
              You already have a Starling account with <strong>{invitation.email}</strong>. Enter its password to
              accept.
            </p>
            <TextField
              label="Password"
              type="password"
              name="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              onChange={setPassword}
              error={errors.fields.password}
            />
          </>
        )}
        <Button type="submit" variant="primary" className={styles.submit} loading={pending}>
          {newUser ? 'Create account and join' : 'Accept and sign in'}
        </Button>
      </form>
    </AuthLayout>
  );
}
