import { useState, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors';
import { Banner } from './Banner';
import { Button } from './Button';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red button. */
  tone?: 'danger' | 'primary';
  /** Runs the action; the dialog shows progress, stays open with the error on failure, closes on success. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before an action that cannot be undone (remove, revoke, rotate). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = 'danger',
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setPending(false);
      onClose();
    } catch (caught) {
      setPending(false);
      setError(errorMessage(caught));
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      busy={pending}
      width="sm"
      footer={
        <>
          <Button onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button variant={tone} loading={pending} onClick={() => void confirm()} autoFocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div>{children}</div>
      {error !== null && <Banner tone="error">{error}</Banner>}
    </Dialog>
  );
}
