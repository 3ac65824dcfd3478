import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Pool } from '../../src/db/pool';
import { createMetrics } from '../../src/api/metrics';
import { createProcessMetrics } from '../../src/metrics/process-metrics';

const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, '../../ops/grafana/lifeline.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

describe('the Grafana dashboard', () => {
  it('when every panel query is read, then each lifeline_* series it names is registered by the API or the worker', () => {
    const names = new Set<string>();
    for (const reg of [createMetrics({} as Pool).registry, createProcessMetrics().registry]) {
      for (const m of reg.getMetricsAsArray()) names.add(m.name);
    }
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/lifeline_\w+/g) ?? []));
    assert.ok(used.length >= 10);
    for (const series of used) {
      const base = series.replace(/_(bucket|count|sum)$/, '');
      assert.ok(names.has(base), `${series} is a registered series`);
    }
  });
});
