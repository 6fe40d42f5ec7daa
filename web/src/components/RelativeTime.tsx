import { formatDateTime, formatRelative } from '../lib/format';

/** "3 minutes ago", with the exact date and time on hover; "—" for `null` (e.g. a key never used). */
export function RelativeTime({ iso, never = '—' }: { iso: string | null; never?: string }) {
  if (iso === null) return <span>{never}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
