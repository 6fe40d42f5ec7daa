import styles from './Spinner.module.css';

/** A small busy indicator in the current text colour. Give the busy control its own label. */
export function Spinner({ size = 14 }: { size?: number }) {
  return <span className={styles.spinner} style={{ width: size, height: size }} aria-hidden="true" />;
}
