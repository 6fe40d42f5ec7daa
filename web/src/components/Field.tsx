import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { Icon } from './Icon';
import { ServerMessage } from './ServerMessage';
import styles from './Field.module.css';

/** What `Field` hands to its control so that label, hint and error are tied to it. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  label: ReactNode;
  /** A line under the control saying what to enter. */
  hint?: ReactNode;
  /** The server's (or the form's) message about this field; replaces nothing, shows under the control. */
  error?: string | undefined;
  /** Adds "(optional)" after the label. */
  optional?: boolean | undefined;
  /** A link or button on the right of the label (outside it, so the control's name stays the label). */
  labelAside?: ReactNode;
  className?: string | undefined;
  children: (control: ControlProps) => ReactNode;
}

/** A labelled form control with its hint and its error message. */
export function Field({ label, hint, error, optional = false, labelAside, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error !== undefined ? errorId : undefined, hint !== undefined ? hintId : undefined]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={[styles.field, className].filter(Boolean).join(' ')}>
      <div className={styles.labelRow}>
        <label className={styles.label} htmlFor={id}>
          {label}
          {optional && <span className={styles.optional}> (optional)</span>}
        </label>
        {labelAside}
      </div>
      {children({
        id,
        'aria-invalid': error !== undefined ? true : undefined,
        'aria-describedby': describedBy === '' ? undefined : describedBy,
      })}
      {error !== undefined && (
        <p className={styles.error} id={errorId}>
          <Icon name="alert" size={14} />
          <span>
            <ServerMessage text={error} />
          </span>
        </p>
      )}
      {hint !== undefined && (
        <p className={styles.hint} id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

type FieldShared = Omit<FieldProps, 'children'>;


type TextFieldProps = FieldShared &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'className' | 'id'> & {
    value: string;
    onChange: (value: string) => void;
    /** Shown inside the control, after the text (e.g. "minutes"). */
    suffix?: string;
  };

export function TextField({ label, hint, error, optional, labelAside, className, value, onChange, suffix, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} labelAside={labelAside} className={className}>
      {(control) =>
        suffix === undefined ? (
          <input {...input} {...control} className={styles.input} value={value} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <div className={styles.withSuffix}>
            <input {...input} {...control} className={styles.input} value={value} onChange={(e) => onChange(e.target.value)} />
            <span className={styles.suffix} aria-hidden="true">
              {suffix}
            </span>
          </div>
        )
      }
    </Field>
  );
}

type TextAreaFieldProps = FieldShared &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value' | 'className' | 'id'> & {
    value: string;
    onChange: (value: string) => void;
  };

export function TextAreaField({ label, hint, error, optional, labelAside, className, value, onChange, ...textarea }: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} labelAside={labelAside} className={className}>
      {(control) => (
        <textarea {...textarea} {...control} className={styles.textarea} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

export interface SelectOption<V extends string> {
  value: V;
  label: string;
}

type SelectFieldProps<V extends string> = FieldShared &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value' | 'className' | 'id' | 'size'> & {
    value: V;
    options: readonly SelectOption<V>[];
    onChange: (value: V) => void;
  };

export function SelectField<V extends string>({
  label,
  hint,
  error,
  optional,
  labelAside,
  className,
  value,
  options,
  onChange,
  ...select
}: SelectFieldProps<V>) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} labelAside={labelAside} className={className}>
      {(control) => (
        <Select {...select} {...control} value={value} options={options} onChange={onChange} />
      )}
    </Field>
  );
}

type SelectProps<V extends string> = Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'onChange' | 'value' | 'className' | 'size'
> & {
  value: V;
  options: readonly SelectOption<V>[];
  onChange: (value: V) => void;
  /** The smaller height used inside tables. */
  compact?: boolean;
};

/** A native select styled like the other controls (also used bare, e.g. in a table cell). */
export function Select<V extends string>({ value, options, onChange, compact = false, ...select }: SelectProps<V>) {
  return (
    <div className={compact ? `${styles.selectWrap} ${styles.small}` : styles.selectWrap}>
      <select
        {...select}
        className={styles.select}
        value={value}
        onChange={(e) => {
          const option = options.find((o) => o.value === e.target.value);
          if (option !== undefined) onChange(option.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Icon name="chevronDown" size={16} className={styles.selectChevron} />
    </div>
  );
}

/** Groups fields in a responsive grid of one or two columns. */
export function FieldGrid({ children, columns = 2 }: { children: ReactNode; columns?: 1 | 2 | 3 }) {
  return <div className={`${styles.grid} ${styles[`cols${columns}`]}`}>{children}</div>;
}
