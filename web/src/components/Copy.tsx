import { useEffect, useState } from 'react';
import { Button } from './Button';
import styles from './Copy.module.css';

/** Puts `text` on the clipboard; falls back to a hidden textarea where the Clipboard API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

/** "Copy" that says "Copied" for two seconds. `label` names what is copied, for screen readers. */
export function CopyButton({ text, label, size = 'sm' }: { text: string; label: string; size?: 'sm' | 'md' }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <>
      <Button
        size={size}
        icon={state === 'copied' ? 'check' : 'copy'}
        aria-label={`Copy ${label}`}
        onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      >
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : 'Copy'}
      </Button>
      {/* The button's name stays "Copy …": the outcome is announced here. */}
      <span className="visually-hidden" role="status">
        {state === 'copied' ? `${label} copied` : state === 'failed' ? `Could not copy the ${label}: select it and copy it` : ''}
      </span>
    </>
  );
}

/** A read-only value in monospace with its Copy button (tokens, links, secrets, headers). */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <div className={styles.field}>
      <code className={styles.value} data-testid={testId} aria-label={label}>
        {value}
      </code>
      <CopyButton text={value} label={label} />
    </div>
  );
}
