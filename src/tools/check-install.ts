import { bundleWorkflows } from '../worker/worker';

/**
 * CI's fresh-machine check: proves that a tree installed with exactly the install scripts allowed in
 * package.json#allowScripts runs TypeScript through tsx (esbuild) and builds the worker's workflow bundle
 * (webpack + swc), the two native toolchains whose install scripts the project denies.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const bundle = await bundleWorkflows();
  console.log(`workflow bundle: ${bundle.code.length} bytes in ${Date.now() - started} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
