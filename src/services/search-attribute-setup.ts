import { temporal } from '@temporalio/proto';
import { SA, searchAttributeGaps } from '../domain/search-attributes';

type IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const { IndexedValueType } = temporal.api.enums.v1;

/** The operator calls this needs; `Connection` and `NativeConnection` both carry them. */
export interface OperatorConnection {
  operatorService: {
    listSearchAttributes(req: { namespace: string }): Promise<{
      customAttributes?: Record<string, IndexedValueType> | null;
      systemAttributes?: Record<string, IndexedValueType> | null;
    }>;
    addSearchAttributes(req: {
      namespace: string;
      searchAttributes: Record<string, IndexedValueType>;
    }): Promise<unknown>;
  };
}

/** The SDK's names for types (`KEYWORD`) from the server's enum (`INDEXED_VALUE_TYPE_KEYWORD`). */
function typeName(value: IndexedValueType): string {
  return (IndexedValueType[value] ?? String(value)).replace(/^INDEXED_VALUE_TYPE_/, '');
}

const wireType = (sdkType: string) =>
  IndexedValueType[`INDEXED_VALUE_TYPE_${sdkType}` as keyof typeof IndexedValueType] as IndexedValueType;

export class SearchAttributesUnavailable extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: string[],
    readonly wrongType: string[],
    cause?: unknown,
  ) {
    const create = missing.map((n) => `--name ${n} --type Keyword`).join(' ');
    super(
      [
        `Temporal namespace "${namespace}" cannot take Lifeline's search attributes:`,
        ...(missing.length ? [`  missing: ${missing.join(', ')}`] : []),
        ...(wrongType.length ? [`  registered with another type: ${wrongType.join(', ')}`] : []),
        ...(cause ? [`  adding them failed: ${(cause as Error).message}`] : []),
        ...(missing.length
          ? [`Add them as an operator: temporal operator search-attribute create --namespace ${namespace} ${create}`]
          : []),
        'See docs/deployment.md#search-attributes.',
      ].join('\n'),
      { cause },
    );
    this.name = 'SearchAttributesUnavailable';
  }
}

async function registered(connection: OperatorConnection, namespace: string): Promise<Record<string, string>> {
  const res = await connection.operatorService.listSearchAttributes({ namespace });
  const all = { ...(res.systemAttributes ?? {}), ...(res.customAttributes ?? {}) };
  return Object.fromEntries(Object.entries(all).map(([name, type]) => [name, typeName(type)]));
}

/**
 * Makes sure the namespace has every search attribute Lifeline's workflows set (a workflow started with an
 * unregistered one is rejected, so every `POST /v1/messages` would fail). Adds the missing ones — idempotent,
 * and safe when several processes start at once — or throws SearchAttributesUnavailable naming them, for the
 * process to refuse to start. Returns the names it added.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  opts: { settleMs?: number } = {},
): Promise<string[]> {
  const first = searchAttributeGaps(await registered(connection, namespace));
  if (first.wrongType.length) throw new SearchAttributesUnavailable(namespace, first.missing, first.wrongType);
  if (!first.missing.length) return [];
  const byName = new Map(Object.values(SA).map((k) => [k.name, k.type]));
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(first.missing.map((n) => [n, wireType(byName.get(n)!)])),
    });
  } catch (err) {
    // Another process may have added them in between (ALREADY_EXISTS): what counts is what is there now.
    const now = searchAttributeGaps(await registered(connection, namespace));
    if (now.missing.length || now.wrongType.length) {
      throw new SearchAttributesUnavailable(namespace, now.missing, now.wrongType, err);
    }
    return [];
  }
  // The frontend reads search attributes through a cache: wait until it lists what was added.
  const deadline = Date.now() + (opts.settleMs ?? 15_000);
  for (;;) {
    const now = searchAttributeGaps(await registered(connection, namespace));
    if (!now.missing.length) return first.missing;
    if (Date.now() > deadline) throw new SearchAttributesUnavailable(namespace, now.missing, now.wrongType);
    await new Promise((r) => setTimeout(r, 250));
  }
}
