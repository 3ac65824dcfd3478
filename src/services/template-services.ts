import type { Pool } from '../db/pool';
import { createAuthoredTemplatesRepo } from '../db/repositories/authored-templates';
import type { RegistryRepo } from '../db/repositories/registry';
import type { MetaClient } from '../meta/client';
import type { SecretBox } from '../secrets';
import { createTemplateAuthoring } from './template-authoring';
import { createTemplateSubmissions } from './template-submissions';

/** Template authoring and review tracking wired together (the API builds one; the worker's sync uses `submissions`). */
export function createTemplateServices(deps: {
  pool: Pool;
  registry: RegistryRepo;
  meta: MetaClient;
  secrets: SecretBox;
}) {
  const authored = createAuthoredTemplatesRepo(deps.pool);
  const submissions = createTemplateSubmissions({ ...deps, authored });
  return { submissions, authoring: createTemplateAuthoring({ ...deps, authored, submissions }) };
}
