import { randomBytes } from 'node:crypto';
import { type Random } from './random';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Per-simulator id minting: unique within the instance, reproducible with a seed. */
export interface IdFactory {
  /** A Meta-shaped wamid: `wamid.` + base64 of the same framing Meta uses (it starts `HBg…`). */
  wamid(waId: string, direction: 'out' | 'in'): string;
  fbtraceId(): string;
  /** A numeric template id for a submission: `9`, five digits of this instance, a sequence (never a scenario's). */
  templateId(): string;
}

export function createIdFactory(random: Random): IdFactory {
  let seq = 0;
  // Meta's wamids are unique forever; a seeded simulator restarted against the same Lifeline database must not
  // mint the wamids of its previous run, so every instance mixes in a nonce the seed does not control.
  const instance = randomBytes(4).toString('hex').toUpperCase();
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16))
      .join('')
      .toUpperCase();
  return {
    wamid(waId, direction) {
      seq += 1;
      const tail = instance + seq.toString(16).toUpperCase().padStart(8, '0') + hex(10);
      const bytes = Buffer.concat([
        Buffer.from([0x1c, 0x18, waId.length]),
        Buffer.from(waId, 'ascii'),
        Buffer.from([0x15, 0x02, 0x00, direction === 'out' ? 0x11 : 0x12, 0x18, tail.length]),
        Buffer.from(tail, 'ascii'),
        Buffer.from([0x00]),
      ]);
      return `wamid.${bytes.toString('base64')}`;
    },
    templateId() {
      seq += 1;
      return `9${String(parseInt(instance, 16) % 1e5).padStart(5, '0')}${String(seq).padStart(9, '0')}`;
    },
    fbtraceId() {
      return 'A' + Array.from({ length: 22 }, () => BASE64URL[Math.floor(random() * 64)]).join('');
    },
  };
}
