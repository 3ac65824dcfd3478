import express, { type Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Lifeline } from '../composition';
import { createCampaignService } from '../services/campaigns';
import { rejectUnsafeInput } from './input-guard';
import { createCsvUploads } from './csv-upload';
import { campaignsRouter } from './routes/campaigns';
import { campaignRecipientSchema } from './schemas/campaigns';

/** 10,000 inline recipients with parameters fit; CSV (any size) is streamed past this parser. */
const CAMPAIGN_JSON_LIMIT = '8mb';

/** The /v1/campaigns routes over the composition's repositories (docs/campaigns.md). */
export function createCampaignsApi(deps: { lifeline: Lifeline; temporal: Client; taskQueue: string }): Router {
  const { campaignRepo: campaigns, campaignRecipients: recipients } = deps.lifeline;
  const service = createCampaignService({
    parseRecipient: (item) => campaignRecipientSchema.safeParse(item),
    pool: deps.lifeline.pool,
    campaigns,
    recipients,
    queue: deps.lifeline.campaignQueue,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
  });
  const router = express.Router();
  router.use(
    express.json({ limit: CAMPAIGN_JSON_LIMIT }),
    rejectUnsafeInput(),
    campaignsRouter({
      service,
      campaigns,
      recipients,
      planner: deps.lifeline.campaignCapacity,
      uploads: createCsvUploads({ pool: deps.lifeline.pool }),
    }),
  );
  return router;
}
