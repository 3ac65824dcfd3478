/**
 * Which tenants a webhook event may change (pure). A body verified by a tenant's own app secret speaks for that
 * tenant only: it applies only where that tenant owns the named WABA, number or message. A body verified by the
 * platform secret applies only where routing is unambiguous: exactly one tenant owns what it names.
 */
export type Verifier = { tenantId: string | null };

export function scopeTenants(
  owners: readonly string[],
  verifier: Verifier,
  what: string,
): { tenants: string[]; refused?: string } {
  if (verifier.tenantId !== null) {
    return owners.includes(verifier.tenantId)
      ? { tenants: [verifier.tenantId] }
      : { tenants: [], refused: `${what} does not belong to the tenant whose secret signed the body` };
  }
  if (owners.length === 1) return { tenants: [...owners] };
  return {
    tenants: [],
    refused: owners.length === 0 ? `${what} is not registered` : `${what} is registered by ${owners.length} tenants`,
  };
}

/** A status routed to `tenantId` (by wamid or attempt id, which name exactly one tenant) is in scope unless a tenant's secret signed it for another. */
export function statusInScope(tenantId: string, verifier: Verifier): boolean {
  return verifier.tenantId === null || verifier.tenantId === tenantId;
}
