import { Router, type Request, type Response } from 'express';
import { stringify } from 'csv-stringify';
import type { CampaignRecipientsRepo, RecipientRow } from '../../db/repositories/campaign-recipients';
import type { CampaignRow, CampaignsRepo } from '../../db/repositories/campaigns';
import type { TenantRow } from '../../db/repositories/tenants';
import { readTenantSettings } from '../../domain/tenant-settings';
import type { CampaignCapacityPlanner } from '../../services/campaign-capacity';
import { campaignView, costOf, remainingOf } from '../../services/campaign-report';
import type { CampaignService } from '../../services/campaigns';
import { createCampaignTallies } from '../../services/campaign-tallies';
import { tenantOf } from '../auth';
import type { CsvUploads } from '../csv-upload';
import { HttpError } from '../errors';
import {
  appendRecipientsBodySchema,
  campaignIdParams,
  campaignsQuerySchema,
  createCampaignBodySchema,
  recipientsQuerySchema,
} from '../schemas/campaigns';
import { decodeCursor, pageOf } from '../pagination';
import { parse } from '../validate';

const EXPORT_PAGE = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CampaignRouterDeps {
  service: CampaignService;
  campaigns: CampaignsRepo;
  recipients: CampaignRecipientsRepo;
  /** The capacity plan behind `eta` (docs/capacity.md, "Campaigns"). */
  planner: CampaignCapacityPlanner;
  /** Streamed CSV uploads, each on its own bounded thread. */
  uploads: CsvUploads;
}

/** Campaigns that will still send: their view carries a capacity plan. */
const PLANNED = new Set(['draft', 'scheduled', 'running', 'paused', 'waiting_for_capacity', 'retrying']);

function recipientView(r: RecipientRow) {
  return {
    messageId: r.messageId,
    to: `+${r.to}`,
    ref: r.ref,
    status: r.status,
    ...(r.failure ? { failure: r.failure } : {}),
    ...(r.deliveredVia ? { deliveredVia: r.deliveredVia } : {}),
    round: r.round,
    updatedAt: r.updatedAt,
  };
}

/** The campaign routes (docs/campaigns.md, "API"); every lookup is scoped by the caller's tenant (another's is a 404). */
export function campaignsRouter(deps: CampaignRouterDeps): Router {
  const router = Router();
  // The counts, the priced attempts and the capacity plan behind a view, at most once a second per running campaign.
  const tallyOf = createCampaignTallies(async ({ tenant, ...c }: CampaignRow & { tenant: TenantRow }) => {
    const [stats, cost] = await Promise.all([
      deps.recipients.stats(c.tenantId, c.id),
      deps.recipients.costGroups(c.tenantId, c.id),
    ]);
    const remaining = remainingOf(stats);
    const capacity =
      PLANNED.has(c.status) && remaining > 0
        ? await deps.planner.plan(
            {
              tenantId: tenant.id,
              templateKey: c.templateKey,
              language: c.language,
              maxPerSecond: c.spec.maxPerSecond,
              startAt: c.spec.startAt,
            },
            remaining,
          )
        : undefined;
    return { stats, cost, capacity };
  });

  async function view(tenant: TenantRow, c: CampaignRow) {
    const { stats, cost, capacity } = await tallyOf({ ...c, tenant });
    const settings = readTenantSettings(tenant.settings);
    return campaignView(c, stats, costOf(cost, settings.rateCard), capacity, settings.routing);
  }

  router.post('/', async (req, res) => {
    const body = parse(req, 'body', createCampaignBodySchema);
    const { campaign, created, ...added } = await deps.service.create(tenantOf(res), body);
    res
      .status(created ? 201 : 200)
      .location(`/v1/campaigns/${campaign.id}`)
      .json({ id: campaign.id, status: campaign.status, created, ...added });
  });

  router.get('/', async (req, res) => {
    const q = parse(req, 'query', campaignsQuerySchema);
    const tenant = tenantOf(res);
    const [after] = decodeCursor(q.cursor, 1, ([id]) => UUID.test(id!)) ?? [];
    const rows = await deps.campaigns.list(tenant.id, { cursor: after, limit: q.limit + 1 });
    const page = pageOf(
      rows,
      q.limit,
      (c) => [c.id],
      (c) => c,
    );
    res.json({ data: await Promise.all(page.data.map((c) => view(tenant, c))), nextCursor: page.nextCursor });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(req, 'params', campaignIdParams);
    const tenant = tenantOf(res);
    res.json(await view(tenant, await deps.service.get(tenant.id, id)));
  });

  router.post('/:id/recipients', async (req, res) => {
    const { id } = parse(req, 'params', campaignIdParams);
    const tenant = tenantOf(res);
    if (req.is('text/csv')) {
      const c = await deps.service.openCampaign(tenant.id, id);
      res.json(await deps.uploads.ingest(req, c, c.spec.parameters));
      return;
    }
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'send application/json or text/csv');
    }
    const body = parse(req, 'body', appendRecipientsBodySchema);
    res.json(await deps.service.append(tenant, id, body.recipients));
  });

  for (const action of ['start', 'pause', 'resume', 'cancel'] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const { id } = parse(req, 'params', campaignIdParams);
      const c = await deps.service[action](tenantOf(res), id);
      res.status(202).json({ id: c.id, status: c.status });
    });
  }

  router.get('/:id/recipients', async (req, res) => {
    const { id } = parse(req, 'params', campaignIdParams);
    const q = parse(req, 'query', recipientsQuerySchema);
    const tenant = tenantOf(res);
    await deps.service.get(tenant.id, id);
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      await exportCsv(req, res, tenant.id, id, q.status);
      return;
    }
    const [afterSeq] = decodeCursor(q.cursor, 1, ([seq]) => /^\d{1,18}$/.test(seq!)) ?? ['0'];
    const rows = await deps.recipients.page(tenant.id, id, {
      status: q.status,
      afterSeq: Number(afterSeq),
      limit: q.limit + 1,
    });
    res.json(pageOf(rows, q.limit, (r) => [String(r.seq)], recipientView));
  });

  /** Every recipient, streamed page by page (bounded memory, the socket's backpressure respected). */
  async function exportCsv(req: Request, res: Response, tenantId: string, id: string, status?: string) {
    res.type('text/csv').attachment(`campaign-${id}-recipients.csv`);
    const csv = stringify({
      header: true,
      columns: [
        'to',
        'ref',
        'messageId',
        'status',
        'failureReason',
        'failureCode',
        'deliveredVia',
        'round',
        'updatedAt',
      ],
    });
    csv.pipe(res);
    let afterSeq = 0;
    for (;;) {
      const rows = await deps.recipients.page(tenantId, id, { status, afterSeq, limit: EXPORT_PAGE });
      for (const r of rows) {
        const ok = csv.write([
          `+${r.to}`,
          r.ref ?? '',
          r.messageId,
          r.status,
          r.failure?.reason ?? '',
          r.failure?.code ?? '',
          (r.deliveredVia?.kind as string | undefined) ?? '',
          r.round ?? '',
          new Date(r.updatedAt).toISOString(),
        ]);
        if (!ok) await new Promise((resolve) => csv.once('drain', resolve));
      }
      if (rows.length < EXPORT_PAGE || req.destroyed) break;
      afterSeq = rows[rows.length - 1]!.seq;
    }
    csv.end();
  }

  return router;
}
