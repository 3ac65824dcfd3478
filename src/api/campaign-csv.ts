import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { campaignRecipientSchema } from './schemas/campaigns';
import { HttpError } from './errors';
import type { NewRecipient } from '../db/repositories/campaign-recipients';
import type { SendParameters } from '../domain/send-parameters';
import { INSERT_CHUNK, type appendTally } from '../services/campaign-append';

const BODY_COLUMN = /^body\.([1-9]\d?)$/;
/** A CSV line longer than this is refused (bounded memory per record). */
const MAX_RECORD_BYTES = 64 * 1024;

interface Columns {
  to: number;
  ref?: number;
  /** Column index of body.1, body.2, … in parameter order. */
  body: number[];
}

/** The header row (line 1): `to,ref,body.1,body.2,…`; an unknown or repeated column is a 400 naming it. */
function columnsOf(header: string[]): Columns {
  const seen = new Set<string>();
  const body: number[] = [];
  let to: number | undefined;
  let ref: number | undefined;
  header.forEach((raw, i) => {
    const name = raw.trim();
    if (seen.has(name)) throw csvError(`column "${name}" appears twice`, name);
    seen.add(name);
    const m = BODY_COLUMN.exec(name);
    if (name === 'to') to = i;
    else if (name === 'ref') ref = i;
    else if (m) body[Number(m[1]) - 1] = i;
    else throw csvError(`unknown column "${name}" (expected to, ref, body.1, body.2, …)`, name);
  });
  if (to === undefined) throw csvError('the header needs a "to" column', 'to');
  if (Array.from(body).some((b) => b === undefined)) {
    throw csvError('body columns must be numbered from body.1 without gaps', 'body');
  }
  return { to, ref, body };
}

const csvError = (message: string, column: string) =>
  new HttpError(400, 'invalid_csv_header', message, [{ field: `header.${column}`, message }]);

/**
 * Streams a CSV upload into the campaign in bounded memory: records are parsed as they arrive, validated one by
 * one (a bad row is reported with its line and field, never fatal) and inserted INSERT_CHUNK at a time, in file
 * order, one chunk at a time: the next chunk is parsed while the previous one is written (the parse's CPU and the
 * database's overlap), and the parser waits when that next chunk is full. An empty body cell takes the campaign's
 * parameter at that position.
 */
export async function ingestCsv(
  stream: Readable,
  defaults: SendParameters | undefined,
  tally: ReturnType<typeof appendTally>,
  insert: (rows: { line: number; recipient: NewRecipient }[]) => Promise<void>,
): Promise<void> {
  const parser = stream.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  stream.on('error', (err) => parser.destroy(err));
  const defaultBody = Array.isArray(defaults?.body) ? defaults.body : [];
  let columns: Columns | undefined;
  let chunk: { line: number; recipient: NewRecipient }[] = [];
  // The chunk being written; its failure is awaited (and thrown) before the next chunk, at the end, or on an error.
  let writing: Promise<void> = Promise.resolve();
  const write = async (rows: { line: number; recipient: NewRecipient }[]) => {
    await writing;
    writing = insert(rows);
    writing.catch(() => undefined); // observed when awaited; never an unhandled rejection meanwhile
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columns) {
        columns = columnsOf(record);
        continue;
      }
      const line = info.lines;
      const cell = (i: number | undefined) => (i === undefined ? '' : (record[i] ?? '').trim());
      let missing: string | undefined;
      const body = columns.body.map((col, i) => {
        const value = cell(col) || defaultBody[i] || '';
        if (!value) missing ??= `body.${i + 1}`;
        return value;
      });
      if (missing) {
        tally.reject({ line, field: missing, message: 'missing parameter' });
        continue;
      }
      const parsed = campaignRecipientSchema.safeParse({
        to: cell(columns.to),
        ...(cell(columns.ref) ? { ref: cell(columns.ref) } : {}),
        ...(body.length ? { parameters: { ...defaults, body } } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const [first, , index] = issue.path;
        const field = first === 'parameters' && typeof index === 'number' ? `body.${index + 1}` : String(first ?? 'to');
        tally.reject({ line, field, message: issue.message });
        continue;
      }
      chunk.push({ line, recipient: parsed.data });
      if (chunk.length >= INSERT_CHUNK) {
        await write(chunk);
        chunk = [];
      }
    }
    if (columns && chunk.length) await write(chunk);
    await writing;
    // A chunk's duplicates are tallied when it is written, after later lines were parsed: report in file order.
    tally.result.rejected.sort((a, b) => a.line - b.line);
  } catch (err) {
    // Nothing is left writing once the upload answers.
    await writing.catch(() => undefined);
    if (err instanceof HttpError) throw err;
    const e = err as { code?: string; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw new HttpError(400, 'invalid_csv', e.message ?? 'malformed CSV', [{ field: 'body', message: e.message }]);
    }
    throw err;
  }
  if (!columns) throw csvError('the file is empty: it needs a header row', 'to');
}
