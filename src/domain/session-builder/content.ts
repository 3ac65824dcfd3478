/** Turns a parsed template and its send parameters into hydrated content, before any layout or limit. */
import {
  hydrate,
  type ButtonParameter,
  type HeaderParameter,
  type TemplateModel,
  type TemplateSendParameters,
} from '../template-model';
import type { SessionBuildFailureReason, SessionLabels } from './types';

export type ResolvedHeader =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'media';
      readonly type: 'image' | 'video' | 'document';
      readonly link: string;
      readonly filename?: string;
    }
  /** A LOCATION header is not media for the table: it becomes a line of text above the body. */
  | { readonly kind: 'location'; readonly line: string };

export interface QuickReply {
  readonly index: number;
  readonly title: string;
  readonly payload: string;
}
export interface UrlButton {
  readonly index: number;
  readonly label: string;
  readonly url: string;
}

export interface ResolvedContent {
  readonly header?: ResolvedHeader;
  readonly body: string;
  readonly footer?: string;
  readonly quickReplies: readonly QuickReply[];
  readonly urls: readonly UrlButton[];
  /** Non-quick-reply buttons as text lines, in template order: URLs ("label: url"), phone ("Call: +…"), code. */
  readonly buttonLines: readonly {
    readonly index: number;
    readonly kind: 'url' | 'phone' | 'code';
    readonly line: string;
  }[];
}

export type ResolveResult =
  | { readonly ok: true; readonly content: ResolvedContent }
  | { readonly ok: false; readonly reason: SessionBuildFailureReason; readonly detail: string };

/** Why the template cannot become session messages, or undefined when it can. */
export function unsupportedFeature(t: TemplateModel): string | undefined {
  const component = t.otherComponents[0];
  if (component !== undefined) return `${component} component`;
  if (t.header?.format === 'OTHER') return `${t.header.rawFormat} header`;
  const button = t.buttons.find((b) => b.type === 'OTHER');
  if (button?.type === 'OTHER') return `${button.rawType} button`;
  return undefined;
}

const fail = (reason: SessionBuildFailureReason, detail: string): ResolveResult => ({ ok: false, reason, detail });

/** Hydrates header, body and buttons; fails on a missing or mismatched parameter rather than sending `{{1}}`. */
export function resolveContent(t: TemplateModel, params: TemplateSendParameters, labels: SessionLabels): ResolveResult {
  if (t.body === undefined || t.body.trim() === '') return fail('invalid_template', 'template has no BODY text');
  const body = hydrate(t.body, params.body);
  if (!body.ok) return fail('invalid_parameters', `body variables without a value: ${body.missing.join(', ')}`);
  if (body.text.trim() === '') return fail('invalid_parameters', 'body is blank after hydration');

  let header: ResolvedHeader | undefined;
  if (t.header) {
    const resolved = resolveHeader(t.header, params.header);
    if (typeof resolved === 'string') return fail('invalid_parameters', resolved);
    header = resolved;
  }

  const quickReplies: QuickReply[] = [];
  const urls: UrlButton[] = [];
  const buttonLines: { index: number; kind: 'url' | 'phone' | 'code'; line: string }[] = [];
  for (const b of t.buttons) {
    const p: ButtonParameter | undefined = params.buttons?.find((x) => x.index === b.index);
    if (b.type === 'QUICK_REPLY') {
      quickReplies.push({ index: b.index, title: b.text, payload: p?.payload || p?.text || b.text });
    } else if (b.type === 'URL') {
      const url = hydrate(b.url, p?.text ? [p.text] : []);
      if (!url.ok) return fail('invalid_parameters', `URL button ${b.index} needs its URL suffix (text)`);
      urls.push({ index: b.index, label: b.text, url: url.text });
      buttonLines.push({ index: b.index, kind: 'url', line: `${b.text}: ${url.text}` });
    } else if (b.type === 'PHONE_NUMBER') {
      buttonLines.push({ index: b.index, kind: 'phone', line: `${labels.call}: ${b.phoneNumber}` });
    } else if (b.type === 'COPY_CODE') {
      const code = p?.couponCode || p?.text;
      if (!code) return fail('invalid_parameters', `COPY_CODE button ${b.index} needs its couponCode`);
      buttonLines.push({ index: b.index, kind: 'code', line: `${labels.code}: ${code}` });
    }
  }
  if (quickReplies.length > 10)
    return fail('invalid_template', `${quickReplies.length} quick replies (Meta allows 10)`);

  return {
    ok: true,
    content: {
      ...(header && { header }),
      body: body.text,
      ...(t.footer?.trim() && { footer: t.footer.trim() }),
      quickReplies,
      urls,
      buttonLines,
    },
  };
}

function resolveHeader(
  h: NonNullable<TemplateModel['header']>,
  p: HeaderParameter | undefined,
): ResolvedHeader | string | undefined {
  switch (h.format) {
    case 'TEXT': {
      const text = hydrate(h.text, p?.type === 'text' ? [p.text] : []);
      if (!text.ok) return 'TEXT header needs its text parameter';
      return text.text.trim() ? { kind: 'text', text: text.text.trim() } : undefined;
    }
    case 'IMAGE':
    case 'VIDEO':
    case 'DOCUMENT': {
      const type = h.format.toLowerCase() as 'image' | 'video' | 'document';
      if (p?.type !== type) return `${h.format} header needs a ${type} parameter with a link`;
      return { kind: 'media', type, link: p.link, ...(type === 'document' && p.filename && { filename: p.filename }) };
    }
    case 'LOCATION': {
      // Lenient: a location is decoration, so a missing parameter drops the line instead of failing the fallback.
      if (p?.type !== 'location') return undefined;
      const place = [p.name, p.address].filter((s) => s?.trim()).join(', ');
      const map = `https://maps.google.com/?q=${p.latitude},${p.longitude}`;
      return { kind: 'location', line: place ? `${place}: ${map}` : map };
    }
    case 'OTHER':
      return `${h.rawFormat} header`;
  }
}
