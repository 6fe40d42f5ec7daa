import { Badge, type BadgeTone } from '../../components/Badge';

const STATES: Record<string, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'accent' },
  abandoned: { label: 'Abandoned', tone: 'warning' },
  purchased: { label: 'Purchased', tone: 'success' },
  empty: { label: 'Empty', tone: 'neutral' },
};

/** The state of a cart: active → abandoned (after the store's delay) or purchased; empty once emptied. */
export function CartBadge({ state }: { state: string }) {
  const known = STATES[state];
  return <Badge tone={known?.tone ?? 'neutral'}>{known?.label ?? state}</Badge>;
}
