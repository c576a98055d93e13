/** Runs inside the real extension host: how long activate() takes, and that it loads no driver. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanasonixTestApi } from '../../src/host/extension';

describe('activation (benchmark probe)', () => {
  it('records the time spent in activate()', async () => {
    const ext = vscode.extensions.getExtension<PlanasonixTestApi>('planasonix.planasonix-connections')!;
    const wasActive = ext.isActive;
    const t = await ext.activate();
    const drivers = Object.keys(require.cache).filter((k) =>
      k.includes(`${path.sep}dist${path.sep}connectors${path.sep}`),
    );
    writeFileSync(
      process.env.PLANASONIX_BENCH_OUT!,
      JSON.stringify({ activationMs: t.activationMs, wasActive, drivers }),
    );
  });
});
