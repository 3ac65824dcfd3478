import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createPool } from '../db/pool';
import { createCampaignRecipientsRepo } from '../db/repositories/campaign-recipients';
import { createCampaignsRepo } from '../db/repositories/campaigns';
import { appendRows, appendTally } from '../services/campaign-append';
import { ingestCsv } from './campaign-csv';
import { HttpError } from './errors';
import type { ThreadJob, ToMain, ToThread } from './csv-upload';

/**
 * The CSV upload's thread (src/api/csv-upload.ts): parses, validates and inserts one upload with its own database
 * connection, so the upload's garbage lives in this thread's bounded heap, not in the API's. Bytes arrive as
 * messages; each is acknowledged once the parser has taken it (the API reads the request no faster).
 */
const port = parentPort!;
const job = workerData as ThreadJob;
const post = (m: ToMain) => port.postMessage(m);

const pool = createPool(job.database.connectionString, 1, job.database.timeouts);
const repos = { recipients: createCampaignRecipientsRepo(pool), campaigns: createCampaignsRepo(pool) };
const bytes = new PassThrough();

port.on('message', (m: ToThread) => {
  if (m.type === 'data')
    bytes.write(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength), () => post({ type: 'ack' }));
  else if (m.type === 'end') bytes.end();
  else bytes.destroy(new Error(m.message));
});

async function run(): Promise<ToMain> {
  const tally = appendTally();
  try {
    await ingestCsv(bytes, job.defaults, tally, (rows) => appendRows(repos, pool, job.campaign, rows, tally));
    return { type: 'done', result: tally.result };
  } catch (err) {
    return err instanceof HttpError
      ? { type: 'failed', http: { status: err.status, code: err.code, message: err.message, details: err.details } }
      : { type: 'failed', message: (err as Error).message ?? String(err) };
  }
}

// The connection is closed before the answer: the API terminates the thread once it has it.
void run().then(async (answer) => {
  await pool.end().catch(() => undefined);
  post(answer);
  port.close();
});
