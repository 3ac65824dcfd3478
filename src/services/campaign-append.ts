import type { Pool, PoolClient } from '../db/pool';
import type { CampaignRecipientsRepo, NewRecipient } from '../db/repositories/campaign-recipients';
import type { CampaignRow, CampaignsRepo } from '../db/repositories/campaigns';

/**
 * Appending recipients to a campaign: validated rows inserted in chunks, duplicates counted and skipped, every bad
 * row tallied with its line and field (docs/campaigns.md, "API"). Free of the Temporal client: the CSV upload's
 * thread (src/api/csv-upload.ts) loads it.
 */

export interface Rejected {
  line: number;
  field: string;
  message: string;
}

export interface AppendResult {
  added: number;
  duplicates: number;
  rejected: Rejected[];
  /** Every rejected row; `rejected` lists the first MAX_REPORTED of them. */
  rejectedTotal: number;
}

/** Rejections listed in one answer (the total is always counted): a bad million-row file must not blow memory. */
export const MAX_REPORTED = 1000;
/** Rows per insert statement. */
export const INSERT_CHUNK = 5000;

/** Accumulates one upload's outcome: added, duplicates, and the rejected rows (bounded list, full count). */
export function appendTally() {
  const result: AppendResult = { added: 0, duplicates: 0, rejected: [], rejectedTotal: 0 };
  return {
    result,
    reject(r: Rejected) {
      result.rejectedTotal += 1;
      if (result.rejected.length < MAX_REPORTED) result.rejected.push(r);
    },
    /** One inserted chunk: the first row of each added wa_id counts as added, every other row as duplicate. */
    inserted(rows: readonly { line: number; recipient: NewRecipient }[], added: ReadonlySet<string>) {
      const claimed = new Set<string>();
      for (const { line, recipient } of rows) {
        if (added.has(recipient.to) && !claimed.has(recipient.to)) {
          claimed.add(recipient.to);
          result.added += 1;
        } else {
          result.duplicates += 1;
          this.reject({ line, field: 'to', message: 'duplicate: already a recipient of this campaign' });
        }
      }
    },
  };
}

/** The campaign a recipient is appended to: what an insert needs of its row. */
export type AppendTarget = Pick<CampaignRow, 'id' | 'tenantId' | 'templateKey' | 'language'>;

/**
 * Inserts validated rows into the campaign (a wa_id it already has is a duplicate: counted, skipped, reported with
 * its line). The API's JSON path and the CSV upload's thread (src/api/csv-upload.ts) share it.
 */
export async function appendRows(
  deps: { recipients: Pick<CampaignRecipientsRepo, 'insert'>; campaigns: Pick<CampaignsRepo, 'addDuplicates'> },
  db: Pool | PoolClient,
  c: AppendTarget,
  rows: readonly { line: number; recipient: NewRecipient }[],
  tally: ReturnType<typeof appendTally>,
): Promise<void> {
  const added = await deps.recipients.insert(
    db,
    { tenantId: c.tenantId, campaignId: c.id, templateKey: c.templateKey, language: c.language },
    rows.map((r) => r.recipient),
  );
  const before = tally.result.duplicates;
  tally.inserted(rows, added);
  await deps.campaigns.addDuplicates(db, c.id, tally.result.duplicates - before);
}
