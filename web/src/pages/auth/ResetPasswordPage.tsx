import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { confirmPasswordReset, requestPasswordReset } from '../../api/auth';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { checkNewPassword, PASSWORD_HINT } from '../../lib/passwords';
import { AuthLayout } from './AuthLayout';
import styles from './AuthLayout.module.css';

/**
 * `/reset-password`: asks for the email and says a link was sent. The emailed link,
 * `/reset-password?token=…`, opens the form that sets the new password.
 */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  return token === null || token === '' ? <RequestLink initialEmail={params.get('email') ?? ''} /> : <SetPassword token={token} />;
}

const backToSignIn = <Link to="/login">Back to sign in</Link>;

function RequestLink({ initialEmail }: { initialEmail: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors<'email'>>(NO_ERRORS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = email.trim();
    if (trimmed === '') {
      setErrors({ fields: { email: 'Enter the email address of your account.' }, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      await requestPasswordReset(trimmed);
      setSentTo(trimmed);
    } catch (error) {
      setErrors(formErrors(error, ['email'] as const));
    } finally {
      setPending(false);
    }
  };

  if (sentTo !== null) {
    return (
      <AuthLayout title="Check your email" footer={backToSignIn}>
        <Banner tone="success" title="Reset link sent">
          If a Starling account exists for <strong>{sentTo}</strong>, we have sent it a link to choose a new
          password. The link works for one hour.
        </Banner>
        <p className={styles.after}>
          Nothing arrived? Check your spam folder, or{' '}
          <button type="button" className={styles.linkButton} onClick={() => setSentTo(null)}>
            send another link
          </button>
          .
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email address of your account and we will send you a link to choose a new password."
      footer={backToSignIn}
    >
      <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label="Reset password">
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
        <Button type="submit" variant="primary" className={styles.submit} loading={pending}>
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}

type NewPasswordField = 'password' | 'confirm' | 'token';

function SetPassword({ token }: { token: string }) {
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<NewPasswordField>>(NO_ERRORS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = checkNewPassword(password, confirm);
    if (problems !== null) {
      setErrors({ fields: problems, banner: null });
      return;
    }
    setPending(true);
    setErrors(NO_ERRORS);
    try {
      await confirmPasswordReset(token, password);
      navigate('/login?reset=1', { replace: true });
    } catch (error) {
      setPending(false);
      setErrors(formErrors(error, ['password', 'token'] as const));
    }
  };

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="After this, you will be signed out everywhere and can sign in with the new password."
      footer={backToSignIn}
    >
      <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate aria-label="Choose a new password">
        {errors.fields.token !== undefined && (
          <Banner tone="error" title="This link cannot be used" action={<Link to="/reset-password">Get a new link</Link>}>
            {errors.fields.token}
          </Banner>
        )}
        {errors.banner !== null && <Banner tone="error">{errors.banner}</Banner>}
        <TextField
          label="New password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={setPassword}
          error={errors.fields.password}
          hint={PASSWORD_HINT}
        />
        <TextField
          label="Confirm new password"
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
          error={errors.fields.confirm}
        />
        <Button type="submit" variant="primary" className={styles.submit} loading={pending}>
          Set new password
        </Button>
      </form>
    </AuthLayout>
  );
}
