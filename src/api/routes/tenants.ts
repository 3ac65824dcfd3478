import { Router } from 'express';
import { z } from 'zod';
import type { TenantsRepo } from '../../db/repositories/tenants';
import { safeText } from '../../domain/safe-input';
import { tenantSettingsSchema } from '../../domain/tenant-settings';
import { requireAdmin } from '../auth';
import { parse } from '../validate';

export const createTenantBody = z.object({ name: safeText(200), settings: tenantSettingsSchema.optional() }).strict();

/** POST /v1/tenants (admin): creates a tenant and returns its API key once; only the key's hash is stored. */
export function tenantsRouter(deps: { tenants: TenantsRepo; adminApiKey: string }): Router {
  const router = Router();
  router.post('/', requireAdmin(deps.adminApiKey), async (req, res) => {
    const body = parse(req, 'body', createTenantBody);
    // Store what the caller sent (validated), not the defaults, so later default changes reach old tenants.
    // The tenant's own app secret is sealed into its own column, never kept in the settings document.
    const { metaAppSecret: _sealedApart, ...raw } = (req.body as { settings?: Record<string, unknown> }).settings ?? {};
    const { tenant, apiKey } = await deps.tenants.create(body.name, raw, {
      metaAppSecret: body.settings?.metaAppSecret,
    });
    res.status(201).json({ id: tenant.id, name: tenant.name, apiKey, createdAt: tenant.createdAt });
  });
  return router;
}
