import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { login } from '../../api/auth';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { safeNext } from '../../session/paths';
import { useSessionContext } from '../../session/SessionContext';
import { AuthLayout } from './AuthLayout';
import styles from './AuthLayout.module.css';

type LoginField = 'email' | 'password';

/** The "forgot password" page, with the email already typed carried over. */
function resetLink(email: string): string {
  const trimmed = email.trim();
  return trimmed === '' ? '/reset-password' : `/reset-password?email=${encodeURIComponent(trimmed)}`;
}

/** `/login`: email and password; then back to where the person was going (`?next=`). */
export function LoginPage() {
  const { state, signedIn } = useSessionContext();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<LoginField>>(NO_ERRORS);

  if (state.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: FormErrors<LoginField>['fields'] = {};
    if (email.trim() === '') missing.email = 'Enter the email address of your account.';
    if (password === '') missing.password = 'Enter your password.';
    if (Object.keys(missing).length > 0) {
      setErrors({ fields: missing, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      signedIn(await login(email.trim(), password));
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['email', 'password'] as const));
    }
  };

  const notice =
    params.get('expired') === '1'
      ? 'Your session has ended. Sign in again to continue.'
      : params.get('reset') === '1'
        ? 'Your password has been changed. Sign in with the new one.'
        : null;

  return (
    <AuthLayout
      title="Sign in to Starling"
      subtitle="Marketing automation for your online store."
      footer={<>Starling accounts are created by invitation from a store or organization administrator.</>}
    >
      <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label="Sign in">
        {notice !== null && errors.banner === null && (
          <Banner tone={params.get('reset') === '1' ? 'success' : 'info'}>{notice}</Banner>
        )}
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          autoFocus
          value={email}
          onChange={setEmail}
          error={errors.fields.email}
        />
        <TextField
          label="Password"
          labelAside={
            <Link className={styles.small} to={resetLink(email)}>
              Forgot password?
            </Link>
          }
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors.fields.password}
        />
        <Button type="submit" variant="primary" className={styles.submit} loading={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthLayout>
  );
}
