/** Sign-in, session, password reset, invitations and the signed-in user (`docs/api-accounts.md`). */
import { ApiError, request, setCsrfToken } from './client';
import { nothing } from './decode';
import {
  decodeInvitationPreview,
  decodeMe,
  decodeSession,
  decodeUser,
  type InvitationPreview,
  type Me,
  type Session,
  type User,
} from './types';

/** Keeps the CSRF token of every session the server hands out. */
function adopt(session: Session): Session {
  setCsrfToken(session.csrf_token);
  return session;
}

/** `GET /session`: the signed-in user, or `null` when nobody is signed in (401). */
export async function getSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return adopt(await request('/session', decodeSession, { signal, redirectOnUnauthenticated: false }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** `POST /auth/login`. A wrong email or password is a 401 `ApiError`; too many attempts a 429. */
export async function login(email: string, password: string): Promise<Session> {
  return adopt(
    await request('/auth/login', decodeSession, {
      method: 'POST',
      body: { email, password },
      redirectOnUnauthenticated: false,
    }),
  );
}

/** `POST /auth/logout`: ends the session and clears the cookie. */
export async function logout(): Promise<void> {
  await request('/auth/logout', nothing, { method: 'POST', redirectOnUnauthenticated: false });
  setCsrfToken(null);
}

/** `POST /auth/password-reset`: always accepted; the link goes to the email if it has an account. */
export async function requestPasswordReset(email: string): Promise<void> {
  await request('/auth/password-reset', nothing, { method: 'POST', body: { email } });
}

/** `POST /auth/password-reset/confirm`: sets a new password and ends every session of the user. */
export async function confirmPasswordReset(token: string, password: string): Promise<void> {
  await request('/auth/password-reset/confirm', nothing, { method: 'POST', body: { token, password } });
}

/** `GET /invitations/{token}`: who invited whom, where, with which role. */
export function getInvitation(token: string, signal?: AbortSignal): Promise<InvitationPreview> {
  return request(`/invitations/${encodeURIComponent(token)}`, decodeInvitationPreview, {
    signal,
    redirectOnUnauthenticated: false,
  });
}

/**
 * `POST /invitations/{token}/accept`: new users set their name and password, existing users confirm their
 * password (401 when wrong). Signs the user in.
 */
export async function acceptInvitation(token: string, password: string, name?: string): Promise<Session> {
  return adopt(
    await request(`/invitations/${encodeURIComponent(token)}/accept`, decodeSession, {
      method: 'POST',
      body: name === undefined ? { password } : { password, name },
      redirectOnUnauthenticated: false,
    }),
  );
}

/** `GET /me`: the caller (a user session here). */
export function getMe(signal?: AbortSignal): Promise<Me> {
  return request('/me', decodeMe, { signal });
}

/** `PATCH /me`. */
export function updateMe(name: string): Promise<User> {
  return request('/me', decodeUser, { method: 'PATCH', body: { name } });
}

/** `POST /me/password`: a wrong current password is a 401 (it does not end the session). */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await request('/me/password', nothing, {
    method: 'POST',
    body: { current_password: currentPassword, new_password: newPassword },
    redirectOnUnauthenticated: false,
  });
}
