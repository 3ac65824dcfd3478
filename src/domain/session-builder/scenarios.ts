/** The 8 conversions of docs/smart-utility-fallback.md, from resolved content to exact session-message payloads. */
import { composeBlocks, uniqueIds, uniqueTitles, type Notes } from './compose';
import type { ResolvedContent, ResolvedHeader } from './content';
import { SESSION_LIMITS as L } from './limits';
import type {
  InteractiveHeader,
  InteractiveSessionMessage,
  ListRow,
  MediaObject,
  MediaSessionMessage,
  SessionChoice,
  SessionLabels,
  SessionMessage,
  SessionScenario,
  TextSessionMessage,
} from './types';

type Media = Extract<ResolvedHeader, { kind: 'media' }>;

export interface Built {
  readonly scenario: SessionScenario;
  readonly messages: readonly [SessionMessage] | readonly [SessionMessage, SessionMessage];
  readonly choices: readonly SessionChoice[];
}

/** Picks the scenario from (media, QR, CTA) and builds its payloads. */
export function buildScenario(c: ResolvedContent, labels: SessionLabels, notes: Notes): Built {
  const media = c.header?.kind === 'media' ? c.header : undefined;
  const qr = c.quickReplies.length;
  const singleCta = c.urls.length === 1 ? c.urls[0] : undefined;
  if (qr === 0 && singleCta)
    return { scenario: media ? 6 : 2, messages: [ctaUrl(c, media, singleCta, notes)], choices: [] };
  if (qr === 0) {
    const message = media ? mediaMessage(media, caption(c, notes)) : textMessage(c, notes);
    return { scenario: media ? 5 : 1, messages: [message], choices: [] };
  }
  if (qr <= L.replyButtons) {
    const built = replyButtons(c, media, notes);
    return { scenario: media ? 7 : 3, messages: [built.message], choices: built.choices };
  }
  if (!media) {
    const built = list(c, 0, labels, notes);
    return { scenario: 4, messages: [built.message], choices: built.choices };
  }
  // Lists take no media header: the media goes first on its own (no caption: the list carries the text).
  const built = list(c, 1, labels, notes);
  return { scenario: 8, messages: [mediaMessage(media, undefined), built.message], choices: built.choices };
}

const lines = (c: ResolvedContent, skipUrlIndex?: number): string =>
  c.buttonLines
    .filter((l) => l.index !== skipUrlIndex)
    .map((l) => l.line)
    .join('\n');
const locationLine = (c: ResolvedContent): string => (c.header?.kind === 'location' ? c.header.line : '');

/** Scenario 1: header line, body, URL/phone/code lines, footer last; link preview on. */
function textMessage(c: ResolvedContent, notes: Notes): TextSessionMessage {
  const headerLine = c.header?.kind === 'text' ? c.header.text : locationLine(c);
  const body = composeBlocks(
    notes,
    'messages[0].text.body',
    { lead: [headerLine], body: c.body, tail: [lines(c), c.footer ?? ''] },
    L.textBody,
  );
  return { messaging_product: 'whatsapp', type: 'text', text: { body, preview_url: true } };
}

/** Scenario 5 caption: body, URL/phone/code lines, footer. */
function caption(c: ResolvedContent, notes: Notes): string {
  const path = `messages[0].${c.header?.kind === 'media' ? c.header.type : 'image'}.caption`;
  return composeBlocks(notes, path, { lead: [], body: c.body, tail: [lines(c), c.footer ?? ''] }, L.caption);
}

function mediaObject(m: Media, captionText: string | undefined): MediaObject {
  return { link: m.link, ...(captionText && { caption: captionText }), ...(m.filename && { filename: m.filename }) };
}

function mediaMessage(m: Media, captionText: string | undefined): MediaSessionMessage {
  const object = mediaObject(m, captionText);
  switch (m.type) {
    case 'image':
      return { messaging_product: 'whatsapp', type: 'image', image: object };
    case 'video':
      return { messaging_product: 'whatsapp', type: 'video', video: object };
    case 'document':
      return { messaging_product: 'whatsapp', type: 'document', document: object };
  }
}

function textHeader(c: ResolvedContent, notes: Notes, path: string): { header?: { type: 'text'; text: string } } {
  return c.header?.kind === 'text'
    ? { header: { type: 'text', text: notes.fit(path, c.header.text, L.headerText) } }
    : {};
}

function interactiveHeader(
  c: ResolvedContent,
  media: Media | undefined,
  notes: Notes,
  path: string,
): { header?: InteractiveHeader } {
  if (!media) return textHeader(c, notes, path);
  const object = mediaObject(media, undefined);
  switch (media.type) {
    case 'image':
      return { header: { type: 'image', image: object } };
    case 'video':
      return { header: { type: 'video', video: object } };
    case 'document':
      return { header: { type: 'document', document: object } };
  }
}

/** Body and footer of an interactive message: location line, body, then the buttons shown as text. */
function bodyAndFooter(c: ResolvedContent, notes: Notes, m: number, skipUrlIndex?: number) {
  const text = composeBlocks(
    notes,
    `messages[${m}].interactive.body.text`,
    { lead: [locationLine(c)], body: c.body, tail: [lines(c, skipUrlIndex)] },
    L.interactiveBody,
  );
  const footer = c.footer
    ? { footer: { text: notes.fit(`messages[${m}].interactive.footer.text`, c.footer, L.footer) } }
    : {};
  return { body: { text }, ...footer };
}

/** Scenarios 2 and 6. */
function ctaUrl(
  c: ResolvedContent,
  media: Media | undefined,
  cta: { index: number; label: string; url: string },
  notes: Notes,
): InteractiveSessionMessage {
  const display = notes.fit('messages[0].interactive.action.parameters.display_text', cta.label, L.ctaDisplayText);
  return {
    messaging_product: 'whatsapp',
    type: 'interactive',
    interactive: {
      type: 'cta_url',
      ...interactiveHeader(c, media, notes, 'messages[0].interactive.header.text'),
      ...bodyAndFooter(c, notes, 0, cta.index),
      action: { name: 'cta_url', parameters: { display_text: display, url: cta.url } },
    },
  };
}

function choicesFor(
  c: ResolvedContent,
  notes: Notes,
  titleLimit: number,
  idLimit: number,
  pathOf: (i: number, f: string) => string,
) {
  const titles = uniqueTitles(
    notes,
    c.quickReplies.map((q) => q.title),
    titleLimit,
    (i) => pathOf(i, 'title'),
  );
  const ids = uniqueIds(
    notes,
    c.quickReplies.map((q) => q.payload),
    idLimit,
    (i) => pathOf(i, 'id'),
  );
  return c.quickReplies.map((q, i): SessionChoice => ({
    id: ids[i] ?? '',
    title: titles[i] ?? '',
    payload: q.payload,
    buttonIndex: q.index,
  }));
}

/** Scenarios 3 and 7. */
function replyButtons(c: ResolvedContent, media: Media | undefined, notes: Notes) {
  const choices = choicesFor(
    c,
    notes,
    L.replyTitle,
    L.replyId,
    (i, f) => `messages[0].interactive.action.buttons[${i}].reply.${f}`,
  );
  const message: InteractiveSessionMessage = {
    messaging_product: 'whatsapp',
    type: 'interactive',
    interactive: {
      type: 'button',
      ...interactiveHeader(c, media, notes, 'messages[0].interactive.header.text'),
      ...bodyAndFooter(c, notes, 0),
      action: { buttons: choices.map((ch) => ({ type: 'reply' as const, reply: { id: ch.id, title: ch.title } })) },
    },
  };
  return { message, choices };
}

/** Scenarios 4 and 8: one section without title (required only with several), one row per quick reply. */
function list(c: ResolvedContent, m: 0 | 1, labels: SessionLabels, notes: Notes) {
  const rowPath = (i: number, f: string) => `messages[${m}].interactive.action.sections[0].rows[${i}].${f}`;
  const choices = choicesFor(c, notes, L.rowTitle, L.rowId, rowPath);
  const rows = choices.map((ch, i): ListRow => {
    const full = c.quickReplies[i]?.title.trim() ?? '';
    // A shortened title keeps its full text as the row's description.
    const shortened = ch.title !== full && full.length > L.rowTitle;
    return shortened
      ? { id: ch.id, title: ch.title, description: notes.fit(rowPath(i, 'description'), full, L.rowDescription) }
      : { id: ch.id, title: ch.title };
  });
  const message: InteractiveSessionMessage = {
    messaging_product: 'whatsapp',
    type: 'interactive',
    interactive: {
      type: 'list',
      ...textHeader(c, notes, `messages[${m}].interactive.header.text`),
      ...bodyAndFooter(c, notes, m),
      action: {
        button: notes.fit(`messages[${m}].interactive.action.button`, labels.listButton, L.listButton),
        sections: [{ rows }],
      },
    },
  };
  return { message, choices };
}
