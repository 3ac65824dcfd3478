import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The last CLI release whose module installs cleanly with `go install` (later tags carry a `replace`). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

type Env = Record<string, string | undefined>;
type Log = (line: string) => void;

export interface CliLocation {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'GOPATH' | 'go install';
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export function goEnv(name: string, env: Env = process.env): string | undefined {
  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  try {
    return execFileSync(go, ['env', name], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function goBinDir(env: Env): string | undefined {
  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  try {
    const gopath = execFileSync(go, ['env', 'GOPATH'], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' }).trim();
    return gopath ? path.join(gopath.split(path.delimiter)[0]!, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

/** Finds the CLI without building it, in the order of docs/temporal.md. */
export function findTemporalCli(env: Env = process.env): CliLocation | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const bin = goBinDir(env);
  if (bin && isExecutable(path.join(bin, 'temporal'))) return { path: path.join(bin, 'temporal'), source: 'GOPATH' };
  return undefined;
}

/**
 * `go install -v` of `modules` with CGO off (static binaries), streaming progress: minutes the first time, seconds
 * once Go's build cache holds the packages. `gobin` installs into that folder instead of GOPATH/bin.
 */
export async function goInstall(
  modules: string[],
  opts: { env?: Env; log?: Log; gobin?: string; label: string },
): Promise<void> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? console.error;
  const go = onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error(`Go is not installed: cannot build ${opts.label}`);
  log(`Building ${opts.label}: go install ${modules.join(' ')} (several minutes the first time)…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-v', ...modules], {
      env: { ...env, CGO_ENABLED: '0', ...(opts.gobin ? { GOBIN: opts.gobin } : {}) } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let last = '';
    const progress = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines += 1;
        last = line;
        // `go install -v` names every package it compiles; a line every 25 keeps the log readable.
        if (lines % 25 === 0 || line.startsWith('go: downloading github.com/temporalio')) {
          log(`  [${Math.round((Date.now() - started) / 1000)}s] ${lines} steps… ${line}`);
        }
      }
    };
    child.stdout.on('data', progress);
    child.stderr.on('data', progress);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}: ${last}`))));
  });
  log(`${opts.label} built in ${Math.round((Date.now() - started) / 1000)}s`);
}

/** Builds the CLI with `go install` (minutes the first time), streaming progress. */
export async function buildTemporalCli(env: Env = process.env, log: Log = console.error): Promise<CliLocation> {
  const bin = goBinDir(env);
  if (!bin) throw new Error('Go is not installed: cannot build the Temporal CLI');
  await goInstall([TEMPORAL_CLI_MODULE], { env, log, label: 'the Temporal CLI' });
  const built = path.join(bin, 'temporal');
  log(`Temporal CLI: ${built}`);
  return { path: built, source: 'go install' };
}

/** Finds the CLI or builds it; undefined means "no Go either": callers fall back to the SDK's download. */
export async function findOrBuildTemporalCli(env: Env = process.env, log: Log = console.error) {
  const found = findTemporalCli(env);
  if (found) return found;
  try {
    return await buildTemporalCli(env, log);
  } catch (err) {
    log(`Could not build the Temporal CLI (${(err as Error).message}); falling back to the SDK's download.`);
    return undefined;
  }
}

if (require.main === module) {
  findOrBuildTemporalCli()
    .then((loc) => {
      if (!loc) process.exit(1);
      console.log(loc.path);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
