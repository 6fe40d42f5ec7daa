/** API key scopes: `{resource}:read` and `{resource}:write`, write implying read; `all` grants every one. */

/** The resources of the contract, used until (or if) `GET /api/v1/scopes` cannot be read. */
export const DEFAULT_RESOURCES = [
  'contacts',
  'products',
  'purchases',
  'coupons',
  'events',
  'imports',
  'exports',
  'segments',
  'workflows',
  'analytics',
] as const;

export type Access = 'none' | 'read' | 'write';

export function resourceLabel(resource: string): string {
  return resource.charAt(0).toUpperCase() + resource.slice(1);
}

/** The access a set of scopes gives to each resource. */
export function accessByResource(scopes: readonly string[], resources: readonly string[]): Map<string, Access> {
  const all = scopes.includes('all');
  const map = new Map<string, Access>();
  for (const resource of resources) {
    const access: Access =
      all || scopes.includes(`${resource}:write`) ? 'write' : scopes.includes(`${resource}:read`) ? 'read' : 'none';
    map.set(resource, access);
  }
  // Resources the key has that the catalog does not list (newer server) are kept too.
  for (const scope of scopes) {
    const [resource, level] = scope.split(':');
    if (resource === undefined || level === undefined || map.has(resource)) continue;
    map.set(resource, level === 'write' ? 'write' : 'read');
  }
  return map;
}

/** True when the scopes give write (hence read) access to every resource. */
export function isFullAccess(scopes: readonly string[], resources: readonly string[]): boolean {
  if (scopes.includes('all')) return true;
  return resources.length > 0 && resources.every((r) => scopes.includes(`${r}:write`));
}
