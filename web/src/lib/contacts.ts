/** How contacts and their fields are named across the UI. */

/** The system fields of a contact (`docs/integration.md` §2), in the order the profile lists them. */
export const SYSTEM_FIELDS: Readonly<Record<string, string>> = {
  _name: 'Name',
  _surname: 'Surname',
  _birthdate: 'Birthdate',
  _email_status: 'Email status',
  _newsletter_subscription_status: 'Newsletter',
  _mobile_phone: 'Mobile phone',
  _mobile_phone_status: 'Mobile phone status',
  _sms_subscription_status: 'SMS subscription',
  _external_id: 'External ID',
  _points: 'Points',
};

/** "Name" for `_name`; a custom field keeps its id. */
export function fieldLabel(key: string): string {
  return SYSTEM_FIELDS[key] ?? key;
}

/** System fields first (in their order), then custom fields by id. */
export function sortedFields(fields: Record<string, unknown>): [string, unknown][] {
  const system = Object.keys(SYSTEM_FIELDS);
  const rank = (key: string) => {
    const index = system.indexOf(key);
    return index === -1 ? system.length : index;
  };
  return Object.entries(fields).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A field value as text: strings as they are, other JSON compactly. */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * How a contact is named: its email; without one, the shop's own id of the customer (a Segment `userId`,
 * the `_external_id` field) as "Customer 4711"; otherwise "Anonymous #12".
 */
export function contactTitle(contact: { id: number; email: string | null; external_id?: string | null }): string {
  if (contact.email !== null) return contact.email;
  if (contact.external_id !== undefined && contact.external_id !== null) return `Customer ${contact.external_id}`;
  return `Anonymous #${contact.id}`;
}

/** "Ana López" from `_name` and `_surname`; empty when neither is set. */
export function personName(fields: Record<string, unknown>): string {
  return [fieldText(fields._name), fieldText(fields._surname)].filter((part) => part.trim() !== '').join(' ');
}

/** The path of a contact's sheet. */
export function contactPath(id: number): string {
  return `/contacts/${id}`;
}
