/** `/login`, with where to go after signing in (`next`) and why the person is there. */
export function loginPath(next: string | null, expired = false): string {
  const query = new URLSearchParams();
  if (next !== null && next !== '/' && next !== '') query.set('next', next);
  if (expired) query.set('expired', '1');
  const text = query.toString();
  return text === '' ? '/login' : `/login?${text}`;
}

/**
 * The in-app path to go to after signing in. Only paths of this UI are accepted (`/…`, not `//host` nor a
 * full URL), so a crafted link cannot send the person elsewhere.
 */
export function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}
