import { inTransaction, type Pool, type PoolClient } from '../db/pool';
import { secretContext } from '../secrets';
import type { AuthoredTemplatesRepo } from '../db/repositories/authored-templates';
import type { RegistryRepo } from '../db/repositories/registry';
import { metaTemplateBody } from '../domain/template-authoring/shape';
import type { TemplateContent } from '../domain/template-authoring/schema';
import { MetaApiError, type MetaClient } from '../meta/client';
import type { SecretBox } from '../secrets';
import { healthRecord } from './health-updates';

/** A member whose submission Meta refused or never answered; the reason says why (docs/templates.md). */
export const SUBMISSION_FAILED = 'SUBMISSION_FAILED';
/** Statuses whose content Meta approved: such members form the template group. */
const GROUPED = ['APPROVED', 'PAUSED'];

export interface SubmissionDeps {
  pool: Pool;
  authored: AuthoredTemplatesRepo;
  registry: RegistryRepo;
  meta: MetaClient;
  secrets: SecretBox;
}

export interface Target {
  key: string;
  name: string;
  language: string;
  revision: number;
  content: TemplateContent;
}

/** Graph's refusal as a short, user-facing reason: `(#code) message` and Meta's own explanation when it has one. */
export function graphReason(err: unknown): { reason: string; error: Record<string, unknown> } {
  if (!(err instanceof MetaApiError)) throw err;
  const graph = (err.body as { error?: Record<string, unknown> } | undefined)?.error;
  if (!graph) return { reason: 'Meta did not answer; resubmit later', error: { message: err.message } };
  const details = (graph.error_data as { details?: string } | undefined)?.details ?? graph.error_user_msg;
  const code = typeof graph.code === 'number' ? `(#${graph.code}) ` : '';
  const reason = `${code}${String(details ?? graph.message ?? 'refused')}`.slice(0, 500);
  return { reason, error: { code: graph.code, subcode: graph.error_subcode, message: graph.message, details } };
}

/**
 * Sends one logical template to Meta for each WABA and keeps the submission rows, the registry's template rows
 * (so review webhooks and the resolver see the new member at once) and the template group in step.
 */
export function createTemplateSubmissions(deps: SubmissionDeps) {
  async function token(tenantId: string, wabaId: string): Promise<string> {
    const sealed = await deps.registry.wabaToken(tenantId, wabaId);
    if (!sealed) throw new Error(`WABA ${wabaId} is not registered`);
    return deps.secrets.open(sealed, secretContext.wabaToken(tenantId, wabaId));
  }

  /** The registry row of a new member: PENDING until review says otherwise. */
  async function registerPending(tenantId: string, wabaId: string, t: Target, id: string, category: string) {
    const row = {
      id,
      wabaId,
      name: t.name,
      language: t.language,
      category,
      components: t.content.components,
      fields: { status: 'PENDING', qualityScore: 'UNKNOWN', parameterFormat: t.content.parameterFormat ?? null },
    };
    const health = healthRecord('template', { ...row, health: {}, syncedAt: null }, 'sync');
    await deps.registry.upsertTemplate(deps.pool, tenantId, row, health);
  }

  /** The group of `key` from its approved members; the caller holds the key's lock in the transaction of `db`. */
  async function rebuildGroup(db: PoolClient, tenantId: string, key: string): Promise<void> {
    const variants = await deps.authored.variants(tenantId, key, db);
    if (variants.length === 0) return;
    const approved = (await deps.authored.submissions(tenantId, key, undefined, db)).filter((s) =>
      GROUPED.includes(s.status),
    );
    const members = variants.flatMap((v) =>
      approved
        .filter((s) => s.language === v.language)
        .map((s) => ({ wabaId: s.wabaId, name: v.name, language: v.language })),
    );
    if (await deps.authored.setGroup(tenantId, key, members, db)) await deps.registry.bumpVersion(tenantId, db);
  }

  const submissions = {
    /**
     * Submits `t` to one WABA: a member Meta already knows is edited (it goes back to review), another is
     * created. A refusal is recorded as SUBMISSION_FAILED with Meta's reason, never thrown.
     */
    async submit(tenantId: string, t: Target, wabaId: string, position: number, templateId?: string | null) {
      const body = metaTemplateBody(t.name, t.language, t.content);
      try {
        const tok = await token(tenantId, wabaId);
        let id = templateId ?? undefined;
        let category = t.content.category as string;
        if (id) {
          await deps.meta.editTemplate(id, tok, { category: body.category, components: body.components });
        } else {
          const created = await deps.meta.createTemplate(wabaId, tok, body);
          id = created.id;
          category = created.category;
        }
        await deps.authored.putSubmission(deps.pool, tenantId, t.key, t.language, wabaId, position, {
          templateId: id,
          status: 'PENDING',
          category,
          revision: t.revision,
          submitted: true,
        });
        await registerPending(tenantId, wabaId, t, id, category);
        return { wabaId, status: 'PENDING' };
      } catch (err) {
        const { reason, error } = graphReason(err);
        await deps.authored.putSubmission(deps.pool, tenantId, t.key, t.language, wabaId, position, {
          status: SUBMISSION_FAILED,
          reason,
          revision: t.revision,
          error,
        });
        return { wabaId, status: SUBMISSION_FAILED, reason };
      }
    },

    /**
     * Rebuilds the template group of `key` from its approved members: every language variant's, each language's
     * in preference order (the resolver reads a group per language: `key` + the message's `language`).
     */
    async reconcileGroup(tenantId: string, key: string): Promise<void> {
      await inTransaction(deps.pool, async (db) => {
        await deps.authored.lockKey(db, tenantId, key);
        await rebuildGroup(db, tenantId, key);
      });
    },

    /**
     * Meta's news about one template (status webhook, category update, sync): the member and its group follow in
     * one transaction, so no reader sees a member APPROVED that its group lacks, and two members of one key
     * reviewed at once cannot leave the group without one of them (each rebuild waits for the other's key lock,
     * then reads both statuses committed).
     */
    async reviewed(
      tenantId: string,
      templateId: string,
      change: { status?: string; reason?: string | null; category?: string },
    ) {
      await inTransaction(deps.pool, async (db) => {
        const keys = await deps.authored.reviewed(tenantId, templateId, change, db);
        // One order of key locks for every writer, so two reviews of members shared by two keys cannot deadlock.
        for (const key of keys.sort()) {
          await deps.authored.lockKey(db, tenantId, key);
          await rebuildGroup(db, tenantId, key);
        }
      });
    },

    /**
     * After a WABA's sync: every member Meta knows takes the synced status, category and rejection reason; a
     * member Meta no longer lists is DELETED.
     */
    async afterSync(tenantId: string, wabaId: string): Promise<void> {
      for (const s of await deps.authored.submittedInWaba(tenantId, wabaId)) {
        const row = await deps.registry.template(tenantId, s.templateId!);
        const fields = (row?.fields ?? {}) as { status?: string; rejectedReason?: string | null };
        await submissions.reviewed(
          tenantId,
          s.templateId!,
          row
            ? { status: fields.status, category: row.category, reason: fields.rejectedReason ?? null }
            : { status: 'DELETED', reason: null },
        );
      }
    },
  };
  return submissions;
}

export type TemplateSubmissions = ReturnType<typeof createTemplateSubmissions>;
