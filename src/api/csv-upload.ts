import path from 'node:path';
import type { Readable } from 'node:stream';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { Pool, PoolTimeouts } from '../db/pool';
import type { SendParameters } from '../domain/send-parameters';
import type { AppendResult, AppendTarget } from '../services/campaign-append';
import { HttpError } from './errors';

/**
 * CSV uploads (`POST /v1/campaigns/:id/recipients`, `text/csv`) run on their own thread (docs/campaigns.md, "CSV
 * uploads"): a million-row file allocates about a gigabyte of short-lived rows, which V8 lets pile up to a
 * ~160 MB heap in the API before collecting it; in a thread with a bounded heap the same work stays small, and its
 * parsing no longer shares the event loop that answers webhooks. The API only hands the request's bytes over,
 * reading no faster than the thread parses them.
 */

export interface ThreadJob {
  campaign: AppendTarget;
  defaults?: SendParameters;
  database: { connectionString: string; timeouts: PoolTimeouts };
}
export type ToThread = { type: 'data'; chunk: Uint8Array } | { type: 'end' } | { type: 'abort'; message: string };
export type ToMain =
  | { type: 'ack' }
  | { type: 'done'; result: AppendResult }
  | { type: 'failed'; http?: { status: number; code: string; message: string; details: unknown[] }; message?: string };

const THREAD_PATH = path.join(__dirname, `csv-upload-thread${path.extname(__filename)}`);
/**
 * Run from the TypeScript sources (tests, `npm start`), the thread registers tsx before loading its entry: a worker
 * inherits neither the loader hooks nor, for its entry file, `--import`.
 */
const fromSource = THREAD_PATH.endsWith('.ts');
const THREAD_ENTRY = fromSource ? `require('tsx/cjs'); require(${JSON.stringify(THREAD_PATH)});` : THREAD_PATH;

/** Request chunks (≤ 64 KiB each) handed to the thread and not yet taken by its parser. */
const MAX_UNACKED = 8;

/**
 * The thread's heap: its live set is one chunk being parsed and one being written (~10 MB); the old-generation bound
 * is what keeps V8 collecting instead of growing. The young generation is kept large: rows die young, and an 8 MB
 * one promoted them and cost ~12 % of the rows/s (measured in docs/campaigns.md, "CSV uploads").
 */
export const CSV_THREAD_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 32 };

/** Uploads running at once per API process; the next waits for a slot (its body is not read meanwhile). */
export const CSV_UPLOAD_CONCURRENCY = 2;

export interface CsvUploads {
  ingest(req: Readable, campaign: AppendTarget, defaults: SendParameters | undefined): Promise<AppendResult>;
}

export function createCsvUploads(opts: {
  pool: Pool;
  concurrency?: number;
  resourceLimits?: ResourceLimits;
}): CsvUploads {
  const { connectionString, statement_timeout, connectionTimeoutMillis } = opts.pool.options;
  if (!connectionString) throw new Error('CSV uploads need the pool to have a connectionString');
  const database = {
    connectionString,
    timeouts: {
      statementMs: typeof statement_timeout === 'number' ? statement_timeout : undefined,
      connectMs: connectionTimeoutMillis,
    },
  };
  const limit = opts.concurrency ?? CSV_UPLOAD_CONCURRENCY;
  let running = 0;
  const queued: (() => void)[] = [];
  const acquire = async () => {
    if (running >= limit) await new Promise<void>((resolve) => queued.push(resolve));
    else running += 1;
  };
  const release = () => {
    const next = queued.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    async ingest(req, campaign, defaults) {
      await acquire();
      try {
        const { id, tenantId, templateKey, language } = campaign;
        const job: ThreadJob = { campaign: { id, tenantId, templateKey, language }, defaults, database };
        return await runThread(req, job, opts.resourceLimits ?? CSV_THREAD_LIMITS);
      } finally {
        release();
      }
    },
  };
}

function runThread(req: Readable, job: ThreadJob, resourceLimits: ResourceLimits): Promise<AppendResult> {
  const thread = new Worker(THREAD_ENTRY, { eval: fromSource, workerData: job, resourceLimits });
  let unacked = 0;
  let settled = false;
  let ended = false;
  const send = (m: ToThread) => {
    if (!settled) thread.postMessage(m);
  };
  const onData = (chunk: Buffer) => {
    send({ type: 'data', chunk });
    unacked += 1;
    if (unacked >= MAX_UNACKED) req.pause();
  };
  const onEnd = () => {
    ended = true;
    send({ type: 'end' });
  };
  const onError = (err: Error) => send({ type: 'abort', message: err.message });
  const onClose = () => {
    if (!ended) send({ type: 'abort', message: 'the upload was aborted before its end' });
  };
  const outcome = new Promise<AppendResult>((resolve, reject) => {
    thread.on('message', (m: ToMain) => {
      if (m.type === 'ack') {
        unacked -= 1;
        if (unacked < MAX_UNACKED && !settled) req.resume();
      } else if (m.type === 'done') resolve(m.result);
      else if (m.http) reject(new HttpError(m.http.status, m.http.code, m.http.message, m.http.details));
      else reject(new Error(`CSV upload failed: ${m.message ?? 'unknown error'}`));
    });
    thread.on('error', (err: Error & { code?: string }) =>
      reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new HttpError(
              503,
              'upload_out_of_memory',
              'the upload exceeded its memory budget; the rows before it were added, upload the file again (rows already added count as duplicates)',
              [],
              { 'Retry-After': '5' },
            )
          : err,
      ),
    );
    thread.on('exit', (code) => reject(new Error(`the CSV upload's thread exited with code ${code}`)));
  });
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
  const stop = () => {
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
    void thread.terminate();
  };
  return outcome.finally(stop);
}
