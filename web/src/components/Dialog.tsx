import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { Icon } from './Icon';
import styles from './Dialog.module.css';

interface DialogProps {
  /** The dialog is in the page only while open. */
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons at the bottom, right-aligned. */
  footer?: ReactNode;
  /** When given, body and footer are a form and a submit button in the footer submits it. */
  onSubmit?: () => void;
  /** While an operation runs, Escape and the close button do nothing. */
  busy?: boolean;
  width?: 'sm' | 'md' | 'lg';
}

/**
 * A modal dialog on the native `<dialog>` element: focus moves into it and stays there, Escape closes it,
 * the page behind is inert. Put `autoFocus` on the control that should take the focus first.
 */
export function Dialog({ open, ...props }: DialogProps) {
  return open ? <OpenDialog {...props} /> : null;
}

function OpenDialog({
  onClose,
  title,
  description,
  children,
  footer,
  onSubmit,
  busy = false,
  width = 'md',
}: Omit<DialogProps, 'open'>) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const previouslyFocused = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      if (previouslyFocused instanceof HTMLElement && previouslyFocused.isConnected) previouslyFocused.focus();
    };
  }, []);

  const content = (
    <>
      <div className={styles.body}>{children}</div>
      {footer !== undefined && <div className={styles.footer}>{footer}</div>}
    </>
  );

  return (
    <dialog
      ref={ref}
      className={`${styles.dialog} ${styles[width]}`}
      aria-labelledby={titleId}
      aria-describedby={description !== undefined ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <div className={styles.header}>
        <div className={styles.heading}>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          {description !== undefined && (
            <div id={descriptionId} className={styles.description}>
              {description}
            </div>
          )}
        </div>
        <button type="button" className={styles.close} aria-label="Close" disabled={busy} onClick={onClose}>
          <Icon name="close" size={18} />
        </button>
      </div>
      {onSubmit === undefined ? (
        content
      ) : (
        <form
          className={styles.form}
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (!busy) onSubmit();
          }}
        >
          {content}
        </form>
      )}
    </dialog>
  );
}
