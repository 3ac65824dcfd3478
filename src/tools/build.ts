import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows, PREBUILT_BUNDLE_PATH } from '../worker/worker';

/**
 * `npm run build`: the production build (docs/deployment.md). TypeScript compiled to CommonJS under dist/ by
 * tsconfig.build.json, the files the code reads at run time (SQL migrations, simulator scenarios) copied beside
 * it, and the workflow bundle prepared ahead of time, so a worker started with plain `node` needs neither tsx
 * nor a webpack run at start-up.
 */
const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
/** Folders of run-time files that tsc does not emit, relative to the repository root. */
export const ASSET_DIRS = ['src/db/migrations', 'src/simulator/scenarios'];

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0]!)} exited with ${code}`)),
    );
  });
}

export async function build(log: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  const step = (what: string) => log(`[build ${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);
  fs.rmSync(DIST, { recursive: true, force: true });
  step('tsc -p tsconfig.build.json');
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  for (const dir of ASSET_DIRS) {
    fs.cpSync(path.join(ROOT, dir), path.join(DIST, dir), { recursive: true });
  }
  step(`copied ${ASSET_DIRS.join(', ')}`);
  // The bundle goes where the compiled worker looks for it: dist/ mirrors the source tree, so the path the
  // source worker would use, re-rooted under dist/.
  const target = path.join(DIST, path.relative(ROOT, PREBUILT_BUNDLE_PATH));
  const { code } = await bundleWorkflows();
  fs.writeFileSync(target, code);
  step(`workflow bundle → ${path.relative(ROOT, target)} (${Math.round(code.length / 1024)} KiB)`);
}

if (require.main === module) {
  build().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
