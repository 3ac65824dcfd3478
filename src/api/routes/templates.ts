import { Router } from 'express';
import { z } from 'zod';
import type { RegistryRepo } from '../../db/repositories/registry';
import { toSnapshot } from '../../db/registry-snapshot';
import {
  authorTemplateBodySchema,
  editTemplateBodySchema,
  LOCALE,
  TEMPLATE_NAME,
} from '../../domain/template-authoring/schema';
import { AuthoringError, type TemplateAuthoring } from '../../services/template-authoring';
import { templateView } from '../../services/template-view';
import { tenantOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { parse } from '../validate';

const keyParams = z.object({ key: z.string().regex(TEMPLATE_NAME, 'must be a template key') });
/**
 * `?language=` of `GET|PUT|DELETE /v1/templates/:key`: the language variant concerned. PUT and DELETE need it
 * when the key has several languages; GET shows that variant at the top level.
 */
export const templateLanguageQuery = z
  .object({ language: z.string().regex(LOCALE, 'must be a WhatsApp locale such as en or en_US').optional() })
  .strict();

function asHttp(err: unknown): never {
  if (err instanceof AuthoringError) {
    const details = err.field ? [{ field: `${err.part}.${err.field}`, message: err.message }] : [];
    throw new HttpError(err.status, err.code, err.message, details);
  }
  throw err;
}

/** Authored templates (docs/templates.md): `POST /v1/templates`, `GET|PUT|DELETE /v1/templates/:key`. */
export function templatesRouter(deps: { authoring: TemplateAuthoring; registry: RegistryRepo }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parse(req, 'body', authorTemplateBodySchema);
    const result = await deps.authoring.author(tenantOf(res).id, body).catch(asHttp);
    res.status(202).location(`/v1/templates/${result.key}`).json(result);
  });

  router.get('/:key', async (req, res) => {
    const { key } = parse(req, 'params', keyParams);
    const { language } = parse(req, 'query', templateLanguageQuery);
    const tenantId = tenantOf(res).id;
    const found = await deps.authoring.get(tenantId, key);
    if (!found) throw notFound('template');
    if (language !== undefined && !found.some((v) => v.authored.language === language)) {
      throw new HttpError(404, 'not_found', `template ${key} has no language ${language}`, [
        { field: 'query.language', message: `template ${key} has no language ${language}` },
      ]);
    }
    const registry = toSnapshot(await deps.registry.load(tenantId));
    res.json(templateView(found, registry, language));
  });

  router.put('/:key', async (req, res) => {
    const { key } = parse(req, 'params', keyParams);
    const { language } = parse(req, 'query', templateLanguageQuery);
    const body = parse(req, 'body', editTemplateBodySchema);
    res.status(202).json(await deps.authoring.edit(tenantOf(res).id, key, body, language).catch(asHttp));
  });

  router.delete('/:key', async (req, res) => {
    const { key } = parse(req, 'params', keyParams);
    const { language } = parse(req, 'query', templateLanguageQuery);
    await deps.authoring.remove(tenantOf(res).id, key, language).catch(asHttp);
    res.status(204).end();
  });

  return router;
}
