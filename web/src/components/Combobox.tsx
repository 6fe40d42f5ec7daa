import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ControlProps } from './Field';
import { Icon } from './Icon';
import fieldStyles from './Field.module.css';
import styles from './Combobox.module.css';

export interface ComboboxOption {
  value: string;
  label: string;
  /** Shown greyed on the right ("GMT+1", "Euro"). */
  detail?: string;
  /** Extra text the search matches. */
  keywords?: string;
}

type ComboboxProps = Partial<ControlProps> & {
  value: string;
  options: readonly ComboboxOption[];
  onChange: (value: string) => void;
  placeholder?: string;
  /** How many matches are listed at most (the rest are reached by typing). */
  limit?: number;
};

function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * A select whose long list is filtered by typing (time zones, currencies, languages), following the
 * ARIA combobox pattern: arrows move, Enter picks, Escape closes and restores the current value.
 */
export function Combobox({ value, options, onChange, placeholder, limit = 200, ...control }: ComboboxProps) {
  const generatedId = useId();
  const inputId = control.id ?? generatedId;
  const listId = `${inputId}-list`;
  const selected = options.find((option) => option.value === value);
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  const matches = useMemo(() => {
    if (query === null || query.trim() === '') return options.slice(0, limit);
    const words = normalize(query).split(/\s+/).filter(Boolean);
    return options
      .filter((option) => {
        const haystack = normalize(`${option.label} ${option.value} ${option.detail ?? ''} ${option.keywords ?? ''}`);
        return words.every((word) => haystack.includes(word));
      })
      .slice(0, limit);
  }, [options, query, limit]);

  useEffect(() => {
    if (!open) return;
    const item = listRef.current?.children[active];
    if (item instanceof HTMLElement) item.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const openList = () => {
    const index = matches.findIndex((option) => option.value === value);
    setActive(index >= 0 ? index : 0);
    setOpen(true);
  };

  const choose = (option: ComboboxOption | undefined) => {
    if (option !== undefined) onChange(option.value);
    setQuery(null);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.min(i + 1, matches.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.max(i - 1, 0));
        break;
      case 'Enter':
        if (open) {
          event.preventDefault();
          choose(matches[active]);
        }
        break;
      case 'Escape':
        if (open || query !== null) {
          event.preventDefault();
          event.stopPropagation();
          setQuery(null);
          setOpen(false);
        }
        break;
      default:
        break;
    }
  };

  const shown = query ?? (selected !== undefined ? selected.label : value);

  return (
    <div className={styles.root}>
      <Icon name="search" size={15} className={fieldStyles.searchIcon} />
      <input
        id={inputId}
        className={styles.input}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] !== undefined ? `${listId}-${active}` : undefined}
        aria-invalid={control['aria-invalid']}
        aria-describedby={control['aria-describedby']}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={shown}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={(event) => event.target.select()}
        onClick={() => (open ? setOpen(false) : openList())}
        onBlur={() => {
          setQuery(null);
          setOpen(false);
        }}
        onKeyDown={onKeyDown}
      />
      {selected?.detail !== undefined && selected.detail !== '' && query === null && (
        <span className={styles.selectedDetail} aria-hidden="true">
          {selected.detail}
        </span>
      )}
      <Icon name="chevronDown" size={16} className={styles.chevron} />
      {open && (
        <ul id={listId} ref={listRef} className={styles.list} role="listbox">
          {matches.length === 0 && <li className={styles.empty}>No match for “{query}”</li>}
          {matches.map((option, index) => (
            <li
              key={option.value}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={option.value === value}
              className={index === active ? `${styles.option} ${styles.active}` : styles.option}
              onMouseDown={(event) => event.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(option)}
            >
              <span className={styles.optionLabel}>{option.label}</span>
              {option.detail !== undefined && option.detail !== '' && (
                <span className={styles.detail}>{option.detail}</span>
              )}
              {option.value === value && <Icon name="check" size={14} className={styles.check} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
