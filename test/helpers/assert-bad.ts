import assert from 'node:assert/strict';
import type { HttpResult } from './http';

/** A 4xx in the contract's shape; `field`, when given, must be named by one of the details. */
export function assertBad(r: HttpResult, status: number, code: string, field?: string): void {
  const where = `${status} ${code} ${field ?? ''} → ${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, status, where);
  assert.equal(r.body?.error?.code, code, where);
  assert.equal(typeof r.body.error.message, 'string', where);
  assert.ok(Array.isArray(r.body.error.details), where);
  if (field) {
    const fields = r.body.error.details.map((d: { field?: string }) => d.field);
    assert.ok(fields.includes(field), `${where}: details name ${JSON.stringify(fields)}`);
  }
}
