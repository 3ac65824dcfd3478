import { inTransaction } from '../db/pool';
import type { AuthoredTemplateRow, SubmissionRow } from '../db/repositories/authored-templates';
import { secretContext } from '../secrets';
import type { AuthorTemplateBody, EditTemplateBody, TemplateContent } from '../domain/template-authoring/schema';
import { sameShape, shapeOf, type TemplateShape } from '../domain/template-authoring/shape';
import {
  graphReason,
  type SubmissionDeps,
  SUBMISSION_FAILED,
  type Target,
  type TemplateSubmissions,
} from './template-submissions';

/** A request the tenant can fix: the HTTP layer turns it into 400/404/409/422 naming `field` of `part`. */
export class AuthoringError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422 | 503,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly part: 'body' | 'query' = 'body',
  ) {
    super(message);
  }
}

/** One language variant of a key and its members. */
export interface Variant {
  authored: AuthoredTemplateRow;
  members: SubmissionRow[];
}

/** Members that an edit resubmits without being asked: the ones Meta refused. */
const NEEDS_RESUBMISSION = ['REJECTED', SUBMISSION_FAILED];
/** Members whose approved content an incompatible edit would leave behind. */
const LIVE = ['APPROVED', 'PAUSED', 'PENDING'];

function contentOf(row: AuthoredTemplateRow): TemplateContent {
  return {
    category: row.category as TemplateContent['category'],
    components: row.components as TemplateContent['components'],
    ...(row.parameterFormat ? { parameterFormat: row.parameterFormat as 'POSITIONAL' | 'NAMED' } : {}),
  };
}

const targetOf = (row: AuthoredTemplateRow): Target => ({
  key: row.key,
  name: row.name,
  language: row.language,
  revision: row.revision,
  content: contentOf(row),
});

/** Every language of a key has one category (equivalence requires it): 409 naming `category` otherwise. */
function sameCategory(key: string, category: string, others: readonly AuthoredTemplateRow[]): void {
  const other = others.find((v) => v.category !== category);
  if (!other) return;
  throw new AuthoringError(
    409,
    'category_mismatch',
    `every language of template ${key} has one category: ${other.category} (as ${other.language})`,
    'category',
  );
}

/** Author once, submit to every WABA (docs/templates.md): create, read, edit and resubmit, delete. */
export function createTemplateAuthoring(deps: SubmissionDeps & { submissions: TemplateSubmissions }) {
  async function tenantWabas(tenantId: string, wanted: readonly string[] | undefined): Promise<string[]> {
    const registered = (await deps.registry.load(tenantId)).wabas.map((w) => w.id);
    if (!wanted) {
      if (registered.length === 0) throw new AuthoringError(422, 'no_wabas', 'register a WABA first', 'wabaIds');
      return registered;
    }
    wanted.forEach((id, i) => {
      if (!registered.includes(id))
        throw new AuthoringError(422, 'unknown_waba', `WABA ${id} is not registered`, `wabaIds.${i}`);
    });
    return [...wanted];
  }

  async function submitAll(
    tenantId: string,
    t: Target,
    members: { wabaId: string; position: number; templateId?: string | null }[],
  ) {
    const results = await Promise.all(
      members.map((m) => deps.submissions.submit(tenantId, t, m.wabaId, m.position, m.templateId)),
    );
    await deps.submissions.reconcileGroup(tenantId, t.key);
    return results;
  }

  /**
   * The variant an edit or delete concerns: the one of `language`, or the only one. Several variants and no
   * language is ambiguous (400 naming `query.language`).
   */
  async function variantOf(tenantId: string, key: string, language: string | undefined) {
    const variants = await deps.authored.variants(tenantId, key);
    if (variants.length === 0) throw new AuthoringError(404, 'not_found', `template ${key} not found`);
    if (language === undefined) {
      if (variants.length > 1) {
        const languages = variants.map((v) => v.language).join(', ');
        throw new AuthoringError(
          400,
          'language_required',
          `template ${key} has several languages (${languages}); name one with ?language=`,
          'language',
          'query',
        );
      }
      return { current: variants[0]!, variants };
    }
    const current = variants.find((v) => v.language === language);
    if (!current) {
      throw new AuthoringError(404, 'not_found', `template ${key} has no language ${language}`, 'language', 'query');
    }
    return { current, variants };
  }

  return {
    /**
     * Records a logical template, or a new language variant of an existing key (same name), and submits it to
     * each WABA: `wabaIds`, else the WABAs of the key's other variants, else every WABA of the tenant.
     * `members` says how each submission went.
     */
    async author(tenantId: string, body: AuthorTemplateBody) {
      const key = body.name;
      const existing = await deps.authored.submissions(tenantId, key);
      // The key's WABAs in preference order: each WABA once, where it first appears.
      const keyWabas = [...new Set(existing.map((m) => m.wabaId))];
      const wabas = body.wabaIds || keyWabas.length === 0 ? await tenantWabas(tenantId, body.wabaIds) : keyWabas;
      const content: TemplateContent = {
        category: body.category,
        components: body.components,
        ...(body.parameterFormat ? { parameterFormat: body.parameterFormat } : {}),
      };
      await inTransaction(deps.pool, async (db) => {
        await deps.authored.lockKey(db, tenantId, key);
        const variants = await deps.authored.variants(tenantId, key, db);
        if (variants.some((v) => v.language === body.language)) {
          throw new AuthoringError(
            409,
            'template_exists',
            `template ${key} already has language ${body.language}; edit it with PUT`,
            'language',
          );
        }
        sameCategory(key, body.category, variants);
        await deps.authored.insert(db, tenantId, {
          key,
          name: body.name,
          language: body.language,
          category: body.category,
          parameterFormat: body.parameterFormat ?? null,
          components: body.components,
          shape: shapeOf(content) as unknown as Record<string, unknown>,
        });
      });
      const target: Target = { key, name: body.name, language: body.language, revision: 1, content };
      const members = await submitAll(
        tenantId,
        target,
        wabas.map((wabaId, position) => ({ wabaId, position })),
      );
      return { key, language: body.language, members };
    },

    /** Every language variant of `key` with its members, in the order they were authored. */
    async get(tenantId: string, key: string): Promise<Variant[] | undefined> {
      const variants = await deps.authored.variants(tenantId, key);
      if (variants.length === 0) return undefined;
      const members = await deps.authored.submissions(tenantId, key);
      return variants.map((authored) => ({
        authored,
        members: members.filter((m) => m.language === authored.language),
      }));
    },

    /**
     * New content for one language variant (`language`, or the only one), resubmitted to its members Meta
     * refused, plus those named in `wabaIds` (a WABA not yet a member joins). A change of shape must go to every
     * live member: equivalents share their shape. The category stays the one of the key's other languages.
     */
    async edit(tenantId: string, key: string, body: EditTemplateBody, language?: string) {
      const { current, variants } = await variantOf(tenantId, key, language);
      sameCategory(
        key,
        body.category,
        variants.filter((v) => v !== current),
      );
      const members = await deps.authored.submissions(tenantId, key, current.language);
      const named = body.wabaIds ? await tenantWabas(tenantId, body.wabaIds) : [];
      const resubmit = members.filter((m) => NEEDS_RESUBMISSION.includes(m.status) || named.includes(m.wabaId));
      const joining = named.filter((id) => !members.some((m) => m.wabaId === id));
      const content: TemplateContent = {
        category: body.category,
        components: body.components,
        ...(body.parameterFormat ? { parameterFormat: body.parameterFormat } : {}),
      };
      const shape = shapeOf(content);
      if (!sameShape(shape, current.shape as unknown as TemplateShape)) {
        const left = members.find((m) => LIVE.includes(m.status) && !resubmit.includes(m));
        if (left) {
          throw new AuthoringError(
            409,
            'shape_change',
            `the edit changes category, parameters or header format; resubmit it to WABA ${left.wabaId} too (wabaIds)`,
            'wabaIds',
          );
        }
      }
      if (resubmit.length === 0 && joining.length === 0) {
        throw new AuthoringError(
          409,
          'nothing_to_resubmit',
          'no member is rejected; name the WABAs to resubmit to',
          'wabaIds',
        );
      }
      const updated = (await deps.authored.update(deps.pool, tenantId, key, current.language, {
        category: body.category,
        parameterFormat: body.parameterFormat ?? null,
        components: body.components,
        shape: shape as unknown as Record<string, unknown>,
      }))!;
      const next = members.length;
      const results = await submitAll(tenantId, targetOf(updated), [
        ...resubmit.map((m) => ({ wabaId: m.wabaId, position: m.position, templateId: m.templateId })),
        ...joining.map((wabaId, i) => ({ wabaId, position: next + i })),
      ]);
      return { key, language: updated.language, revision: updated.revision, members: results };
    },

    /**
     * Deletes one language variant (`language`, or the only one) at Meta in every WABA it reached, then here; the
     * key is gone with its last language. A WABA Meta cannot answer for keeps its member (503); deleting again
     * finishes the job.
     */
    async remove(tenantId: string, key: string, language?: string): Promise<void> {
      const { current: authored } = await variantOf(tenantId, key, language);
      const failures: string[] = [];
      for (const m of await deps.authored.submissions(tenantId, key, authored.language)) {
        if (m.templateId) {
          const sealed = await deps.registry.wabaToken(tenantId, m.wabaId);
          try {
            if (sealed)
              await deps.meta.deleteTemplate(
                m.wabaId,
                deps.secrets.open(sealed, secretContext.wabaToken(tenantId, m.wabaId)),
                authored.name,
                m.templateId,
              );
          } catch (err) {
            const status = (err as { httpStatus?: number }).httpStatus;
            // Meta no longer has it (deleted by hand): nothing left to delete there.
            if (status === undefined || status >= 500 || status === 429) {
              failures.push(`${m.wabaId}: ${graphReason(err).reason}`);
              continue;
            }
          }
          await deps.authored.forgetTemplate(tenantId, m.templateId);
        }
        await deps.authored.removeSubmission(tenantId, key, authored.language, m.wabaId);
      }
      await deps.submissions.reconcileGroup(tenantId, key);
      if (failures.length) {
        throw new AuthoringError(503, 'meta_unavailable', `Meta could not delete it yet: ${failures.join('; ')}`);
      }
      await deps.authored.remove(tenantId, key, authored.language);
    },
  };
}

export type TemplateAuthoring = ReturnType<typeof createTemplateAuthoring>;
