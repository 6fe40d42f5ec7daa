/** How dates, times and people are written across the UI. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeWithSeconds = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dateTimeWithSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "26 Nov 2026, 10:00" in the reader's locale and time zone. */
export function formatDateTime(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : dateTime.format(date);
}

/** "10:00:03": the time of something that just happened (live views). */
export function formatTime(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : timeWithSeconds.format(date);
}

/** "26 Nov 2026, 10:00:03". */
export function formatDateTimeSeconds(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : dateTimeWithSeconds.format(date);
}

/** "26 Nov 2026". */
export function formatDate(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : dateOnly.format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "in 2 days", "just now". */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (date === null) return iso;
  const seconds = (date.getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60), 'minute');
}

/** The first letter of each of the first two words: "Ana Lopez" → "AL". */
export function initials(nameOrEmail: string): string {
  const words = nameOrEmail.replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => word.charAt(0).toUpperCase());
  return letters.join('') || '?';
}

const STORE_ROLE_LABEL: Record<string, string> = {
  administrator: 'Administrator',
  marketer: 'Marketer',
  owner: 'Owner',
  member: 'Member',
};

/** "Administrator", "Marketer", "Owner", "Member". */
export function roleLabel(role: string): string {
  return STORE_ROLE_LABEL[role] ?? role;
}
