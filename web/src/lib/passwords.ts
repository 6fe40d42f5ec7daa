/** The password rules of the API (8 to 256 characters), checked before sending. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters.`;

/** Problems with a new password and its confirmation, by field; `null` when both are fine. */
export function checkNewPassword(
  password: string,
  confirm: string,
): { password?: string; confirm?: string } | null {
  if (password.length < PASSWORD_MIN) return { password: `Use at least ${PASSWORD_MIN} characters.` };
  if (password.length > PASSWORD_MAX) return { password: `Use at most ${PASSWORD_MAX} characters.` };
  if (confirm !== password) return { confirm: 'The two passwords are different.' };
  return null;
}
