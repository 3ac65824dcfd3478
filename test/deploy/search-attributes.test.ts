import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SA } from '../../src/domain/search-attributes';
import {
  ensureSearchAttributes,
  SearchAttributesUnavailable,
  type OperatorConnection,
} from '../../src/services/search-attribute-setup';
import { connectTemporal, type TestTemporal } from '../helpers/temporal';

/**
 * Start-up registration of Lifeline's search attributes (docs/deployment.md#search-attributes), on the real
 * server: a namespace registered here has none of them (the dev server's flags cover only `default`), as a fresh
 * cluster's namespace would not.
 */
const { IndexedValueType } = temporal.api.enums.v1;
const NAMES = Object.values(SA).map((k) => k.name);

let t: TestTemporal;
before(async () => {
  t = await connectTemporal();
});
after(async () => {
  await t.close();
});

async function freshNamespace(): Promise<string> {
  const namespace = `sa-${crypto.randomUUID().slice(0, 8)}`;
  const service = t.client.connection.workflowService;
  await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  // A namespace becomes visible to the frontend through its namespace cache a moment later.
  for (let i = 0; ; i++) {
    try {
      await t.client.connection.operatorService.listSearchAttributes({ namespace });
      return namespace;
    } catch (err) {
      if (i > 80) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function customAttributes(namespace: string) {
  return (await t.client.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
}

describe('search attributes at start-up', () => {
  it('adds every missing one to a namespace that has none, then finds nothing to do', async () => {
    const namespace = await freshNamespace();
    const before = await customAttributes(namespace);
    assert.deepEqual(
      NAMES.filter((n) => n in before),
      [],
    );
    const added = await ensureSearchAttributes(t.client.connection, namespace);
    assert.deepEqual([...added].sort(), [...NAMES].sort());
    const now = await customAttributes(namespace);
    for (const name of NAMES) assert.equal(now[name], IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, name);
    assert.deepEqual(await ensureSearchAttributes(t.client.connection, namespace), []);
  });

  it('adds only the ones a namespace lacks', async () => {
    const namespace = await freshNamespace();
    await t.client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { LifelineTenant: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const added = await ensureSearchAttributes(t.client.connection, namespace);
    assert.deepEqual([...added].sort(), NAMES.filter((n) => n !== 'LifelineTenant').sort());
  });

  it('refuses, naming it, when one of ours is registered with another type', async () => {
    const namespace = await freshNamespace();
    await t.client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { LifelineCampaign: IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
    });
    await assert.rejects(ensureSearchAttributes(t.client.connection, namespace), (err: unknown) => {
      assert.ok(err instanceof SearchAttributesUnavailable);
      assert.match(err.message, /LifelineCampaign \(TEXT, needs KEYWORD\)/);
      assert.equal(err.namespace, namespace);
      return true;
    });
  });

  it('refuses, naming the missing ones, where the cluster does not let it add them', async () => {
    // The real server's answer to list, and the refusal an operator-only cluster gives to add.
    const namespace = await freshNamespace();
    const denied: OperatorConnection = {
      operatorService: {
        listSearchAttributes: (req) => t.client.connection.operatorService.listSearchAttributes(req),
        addSearchAttributes: () => Promise.reject(new Error('7 PERMISSION_DENIED: Request unauthorized.')),
      },
    };
    await assert.rejects(ensureSearchAttributes(denied, namespace), (err: unknown) => {
      assert.ok(err instanceof SearchAttributesUnavailable);
      assert.deepEqual([...err.missing].sort(), [...NAMES].sort());
      for (const name of NAMES) assert.match(err.message, new RegExp(`--name ${name} --type Keyword`));
      assert.match(err.message, /PERMISSION_DENIED/);
      return true;
    });
    const after = await customAttributes(namespace);
    assert.deepEqual(
      NAMES.filter((n) => n in after),
      [],
    );
  });
});
