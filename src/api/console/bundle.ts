import path from 'node:path';
import { build } from 'esbuild';

/** The console's source folder (docs/console.md): TypeScript modules, bundled with the chart library. */
export const CONSOLE_SOURCE = path.resolve(__dirname, '../../../console');

/**
 * Bundles the console in memory with esbuild (pinned in package.json): one script and one stylesheet, every
 * dependency inside, nothing fetched from a CDN. Built once per process, on first request.
 */
export async function bundleConsole(): Promise<{ js: string; css: string }> {
  const out = await build({
    entryPoints: [path.join(CONSOLE_SOURCE, 'main.ts'), path.join(CONSOLE_SOURCE, 'styles.css')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  const file = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: file('.js'), css: file('.css') };
}
