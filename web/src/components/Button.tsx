import { Link } from 'react-router-dom';
import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Icon, type IconName } from './Icon';
import { Spinner } from './Spinner';
import styles from './Button.module.css';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  /** Shows a spinner, marks the button busy and ignores clicks while an operation runs. */
  loading?: boolean;
  children?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

const VARIANT: Record<ButtonVariant, string | undefined> = {
  primary: styles.primary,
  secondary: styles.secondary,
  danger: styles.danger,
  ghost: styles.ghost,
};

/** The one button of the UI. `type` defaults to "button", so a button submits a form only when asked. */
export function Button({
  variant = 'secondary',
  size = 'md',
  icon,
  loading = false,
  disabled,
  className,
  type = 'button',
  children,
  ref,
  ...rest
}: ButtonProps) {
  const classes = [styles.button, VARIANT[variant], size === 'sm' ? styles.small : undefined, className]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      {...rest}
      ref={ref}
      type={type}
      className={classes}
      disabled={disabled === true || loading}
      aria-busy={loading || undefined}
    >
      {loading ? <Spinner size={size === 'sm' ? 12 : 14} /> : icon !== undefined && <Icon name={icon} size={16} />}
      {children !== undefined && <span>{children}</span>}
    </button>
  );
}

/** A link that looks like a button (navigation, such as "All contacts"). */
export function LinkButton({
  to,
  variant = 'secondary',
  size = 'md',
  icon,
  children,
}: {
  to: string;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  children: ReactNode;
}) {
  const classes = [styles.button, VARIANT[variant], size === 'sm' ? styles.small : undefined, styles.link]
    .filter(Boolean)
    .join(' ');
  return (
    <Link to={to} className={classes}>
      {icon !== undefined && <Icon name={icon} size={16} />}
      <span>{children}</span>
    </Link>
  );
}
