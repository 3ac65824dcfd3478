import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthoredTemplatesRepo } from '../../src/db/repositories/authored-templates';
import { createRegistryRepo } from '../../src/db/repositories/registry';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createTemplateSubmissions, type SubmissionDeps } from '../../src/services/template-submissions';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * Review news and the template group (docs/templates.md): a member's review status and the group it forms with the
 * others are written together, so a reader never sees one without the other, and reviews of several members of one
 * key arriving at once all end up in the group.
 */
describe('template review: the member and its group move together', () => {
  let db: TestDatabase;
  let tenantId: string;
  let submissions: ReturnType<typeof createTemplateSubmissions>;
  const WABAS = ['100000000000001', '100000000000002', '100000000000003', '100000000000004'];
  let round = 0;

  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenantsRepo(db.pool).create('review group')).tenant.id;
    for (const id of WABAS) {
      await db.pool.query(
        `INSERT INTO wabas (tenant_id, id, portfolio_id, access_token_enc) VALUES ($1, $2, 'p1', 'sealed')`,
        [tenantId, id],
      );
    }
    const authored = createAuthoredTemplatesRepo(db.pool);
    // Review news never reaches Meta or opens a secret: those dependencies stay unused here.
    submissions = createTemplateSubmissions({
      pool: db.pool,
      authored,
      registry: createRegistryRepo(db.pool),
    } as Partial<SubmissionDeps> as SubmissionDeps);
  });
  after(() => db.drop());

  /** A key authored in one language and submitted to every WABA: all members PENDING, no group yet. */
  async function pendingKey(): Promise<{ key: string; templateIds: string[] }> {
    const key = `sale_${++round}`;
    const authored = createAuthoredTemplatesRepo(db.pool);
    await authored.insert(db.pool, tenantId, {
      key,
      name: key,
      language: 'en_US',
      category: 'MARKETING',
      parameterFormat: null,
      components: [{ type: 'BODY', text: 'Hi there' }],
      shape: {},
    });
    const templateIds = WABAS.map((_, i) => `9${round}00000000000${i}`);
    for (const [i, wabaId] of WABAS.entries()) {
      await authored.putSubmission(db.pool, tenantId, key, 'en_US', wabaId, i, {
        templateId: templateIds[i]!,
        status: 'PENDING',
        revision: 1,
        submitted: true,
      });
    }
    return { key, templateIds };
  }

  const group = async (key: string): Promise<string[]> => {
    const res = await db.pool.query('SELECT members FROM template_groups WHERE tenant_id = $1 AND key = $2', [
      tenantId,
      key,
    ]);
    return ((res.rows[0]?.members ?? []) as { wabaId: string }[]).map((m) => m.wabaId);
  };

  it('when every member of a key is approved at the same moment, then the group holds them all, in order', async () => {
    // A lost update needs two rebuilds to interleave: several rounds make one likely if they are not serialised.
    for (let i = 0; i < 10; i++) {
      const { key, templateIds } = await pendingKey();
      await Promise.all(templateIds.map((id) => submissions.reviewed(tenantId, id, { status: 'APPROVED' })));
      assert.deepEqual(await group(key), WABAS, `round ${i}`);
    }
  });

  it('when a member is approved, then whoever sees it APPROVED also sees it in the group', async () => {
    const { key, templateIds } = await pendingKey();
    const seen: { approved: string[]; group: string[] }[] = [];
    let done = false;
    // A reader in one snapshot (one statement), polling while the reviews are written.
    const reader = (async () => {
      while (!done) {
        const res = await db.pool.query(
          `SELECT (SELECT coalesce(array_agg(waba_id ORDER BY waba_id), '{}') FROM template_submissions
                    WHERE tenant_id = $1 AND key = $2 AND status = 'APPROVED') AS approved,
                  (SELECT members FROM template_groups WHERE tenant_id = $1 AND key = $2) AS members`,
          [tenantId, key],
        );
        const row = res.rows[0] as { approved: string[]; members: { wabaId: string }[] | null };
        seen.push({ approved: row.approved, group: (row.members ?? []).map((m) => m.wabaId).sort() });
      }
    })();
    for (const id of templateIds) await submissions.reviewed(tenantId, id, { status: 'APPROVED' });
    done = true;
    await reader;
    assert.ok(seen.length > 0);
    for (const s of seen) assert.deepEqual(s.group, s.approved);
    assert.deepEqual(await group(key), WABAS);
  });

  it('when a member is paused and then rejected, then it stays in the group while paused and leaves it after', async () => {
    const { key, templateIds } = await pendingKey();
    for (const id of templateIds) await submissions.reviewed(tenantId, id, { status: 'APPROVED' });
    await submissions.reviewed(tenantId, templateIds[1]!, { status: 'PAUSED' });
    assert.deepEqual(await group(key), WABAS, 'a paused member keeps its place');
    await submissions.reviewed(tenantId, templateIds[1]!, { status: 'REJECTED', reason: 'INVALID_FORMAT' });
    assert.deepEqual(await group(key), [WABAS[0], WABAS[2], WABAS[3]]);
  });
});
