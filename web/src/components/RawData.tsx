import styles from './RawData.module.css';

/** Data as the API gave them, folded away until asked for ("Show data"). */
export function RawData({ data, label = 'Show data' }: { data: unknown; label?: string }) {
  return (
    <details className={styles.details}>
      <summary className={styles.summary}>{label}</summary>
      <pre className={styles.pre} data-testid="raw-data">
        {JSON.stringify(data, null, 2)}
      </pre>
    </details>
  );
}
