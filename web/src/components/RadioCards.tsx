import { useId } from 'react';
import { Icon } from './Icon';
import styles from './RadioCards.module.css';

export interface RadioCardOption<V extends string> {
  value: V;
  label: string;
  description: string;
}

interface RadioCardsProps<V extends string> {
  legend: string;
  name: string;
  value: V;
  options: readonly RadioCardOption<V>[];
  onChange: (value: V) => void;
  error?: string | undefined;
  /** Lay the cards side by side instead of stacked. */
  columns?: 1 | 3;
}

/** A choice among a few options that each need a sentence (roles, integration types). */
export function RadioCards<V extends string>({
  legend,
  name,
  value,
  options,
  onChange,
  error,
  columns = 1,
}: RadioCardsProps<V>) {
  const id = useId();
  return (
    <fieldset className={styles.fieldset} aria-describedby={error !== undefined ? `${id}-error` : undefined}>
      <legend className={styles.legend}>{legend}</legend>
      <div className={columns === 3 ? `${styles.options} ${styles.three}` : styles.options}>
        {options.map((option) => (
          <label key={option.value} className={styles.card}>
            <input
              className={styles.input}
              type="radio"
              name={`${id}-${name}`}
              value={option.value}
              checked={option.value === value}
              onChange={() => onChange(option.value)}
            />
            <span className={styles.text}>
              <span className={styles.label}>{option.label}</span>
              <span className={styles.description}>{option.description}</span>
            </span>
          </label>
        ))}
      </div>
      {error !== undefined && (
        <p className={styles.error} id={`${id}-error`}>
          <Icon name="alert" size={14} />
          {error}
        </p>
      )}
    </fieldset>
  );
}
