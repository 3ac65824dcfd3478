import type { InteractiveHeader, SessionMessage } from '../session-builder/types';

/** The content of a session message as the API accepts it (src/api/schemas/conversations.ts validates it). */
export type SessionContent =
  | { type: 'text'; text: string; previewUrl?: boolean }
  | { type: 'image' | 'video'; link: string; caption?: string }
  | { type: 'document'; link: string; caption?: string; filename?: string }
  | { type: 'buttons'; header?: HeaderInput; body: string; footer?: string; buttons: { id: string; title: string }[] }
  | {
      type: 'list';
      header?: { type: 'text'; text: string };
      body: string;
      footer?: string;
      button: string;
      sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    }
  | { type: 'cta_url'; header?: HeaderInput; body: string; footer?: string; displayText: string; url: string };

type HeaderInput = { type: 'text'; text: string } | { type: 'image' | 'video' | 'document'; link: string };

function headerOf(h: HeaderInput | undefined): InteractiveHeader | undefined {
  if (!h) return undefined;
  if (h.type === 'text') return { type: 'text', text: h.text };
  const m = { link: h.link };
  return h.type === 'image'
    ? { type: 'image', image: m }
    : h.type === 'video'
      ? { type: 'video', video: m }
      : { type: 'document', document: m };
}

const opt = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** Meta's request body (without `to`) for a session message. Pure. */
export function sessionPayload(c: SessionContent): SessionMessage {
  const w = 'whatsapp' as const;
  switch (c.type) {
    case 'text':
      return { messaging_product: w, type: 'text', text: { body: c.text, preview_url: c.previewUrl ?? false } };
    case 'image':
      return { messaging_product: w, type: 'image', image: { link: c.link, ...opt('caption', c.caption) } };
    case 'video':
      return { messaging_product: w, type: 'video', video: { link: c.link, ...opt('caption', c.caption) } };
    case 'document':
      return {
        messaging_product: w,
        type: 'document',
        document: { link: c.link, ...opt('caption', c.caption), ...opt('filename', c.filename) },
      };
    case 'buttons':
      return {
        messaging_product: w,
        type: 'interactive',
        interactive: {
          type: 'button',
          ...opt('header', headerOf(c.header)),
          body: { text: c.body },
          ...opt('footer', c.footer === undefined ? undefined : { text: c.footer }),
          action: { buttons: c.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'list':
      return {
        messaging_product: w,
        type: 'interactive',
        interactive: {
          type: 'list',
          ...opt('header', c.header),
          body: { text: c.body },
          ...opt('footer', c.footer === undefined ? undefined : { text: c.footer }),
          action: { button: c.button, sections: c.sections },
        },
      };
    case 'cta_url':
      return {
        messaging_product: w,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          ...opt('header', headerOf(c.header)),
          body: { text: c.body },
          ...opt('footer', c.footer === undefined ? undefined : { text: c.footer }),
          action: { name: 'cta_url', parameters: { display_text: c.displayText, url: c.url } },
        },
      };
  }
}

/** A short, human summary of a session message for the thread and escalation context. */
export function sessionSummary(c: SessionContent): string {
  switch (c.type) {
    case 'text':
      return c.text;
    case 'image':
    case 'video':
    case 'document':
      return c.caption ? `[${c.type}] ${c.caption}` : `[${c.type}]`;
    default:
      return c.body;
  }
}
