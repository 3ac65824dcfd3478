import { loadConfigOrExit } from '../config';
import { poolFromConfig } from '../db/pool';
import { reencryptSecrets, sealLegacyAppSecrets } from '../db/reencrypt';
import { secretBoxFromConfig } from '../secrets';

/**
 * `npx tsx src/tools/reencrypt-secrets.ts`: after moving the old ENCRYPTION_KEY into ENCRYPTION_OLD_KEYS and setting
 * a new one, re-seals every stored secret with the new key and prints how many rows of each table changed.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const pool = poolFromConfig(config);
  try {
    const box = secretBoxFromConfig(config);
    const moved = await sealLegacyAppSecrets(pool, box);
    const counts = await reencryptSecrets(pool, box);
    console.log(JSON.stringify({ keyId: box.keyId, legacyAppSecretsSealed: moved, resealed: counts }));
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
