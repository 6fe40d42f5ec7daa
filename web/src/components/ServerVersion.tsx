import { useEffect, useState } from 'react';
import { getServerInfo, type ServerInfo } from '../api/client';
import styles from './ServerVersion.module.css';

/**
 * The name and version of the server answering the UI, from `GET /api/v1/info`.
 * Renders nothing until the answer arrives, and nothing at all if the call fails: the version is a
 * courtesy, not something to alarm anyone about.
 */
export function ServerVersion() {
  const [info, setInfo] = useState<ServerInfo | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    getServerInfo(controller.signal).then(setInfo, () => {
      // Deliberately silent: failures (server down, aborted on unmount) leave the slot empty.
    });
    return () => controller.abort();
  }, []);

  if (info === null) return null;
  return (
    <span className={styles.version} data-testid="server-version" title={`${info.name} server ${info.version}`}>
      <span className={styles.dot} aria-hidden="true" />
      {info.name} <span className={styles.number}>v{info.version}</span>
    </span>
  );
}
