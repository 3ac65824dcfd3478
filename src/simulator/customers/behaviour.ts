import { type Random } from '../core/random';
import { type Behaviour, type ReplyOption } from '../scenario/customers-schema';
import { type TemplateLike } from '../validation/template-match';

/** A choice a received message offers: a template quick reply, an interactive reply button or a list row. */
export interface Choice {
  kind: 'button' | 'button_reply' | 'list_reply';
  /** Quick-reply payload, or the reply button / row id. */
  id: string;
  title: string;
  description?: string;
}

/** The content of an inbound message, keyed like Meta's (§5.5). */
export type InboundContent =
  | { type: 'text'; text: { body: string } }
  | { type: 'button'; button: { payload: string; text: string } }
  | { type: 'interactive'; interactive: { type: 'button_reply'; button_reply: { id: string; title: string } } }
  | {
      type: 'interactive';
      interactive: { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } };
    };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The choices of a sent message: quick replies of its template (payload from the send, else the text), etc. */
export function choicesOf(payload: Obj, template: TemplateLike | undefined): Choice[] {
  if (payload.type === 'template' && template) {
    const buttons = template.components.flatMap((c) => (c.type === 'BUTTONS' ? c.buttons : []));
    const given = arr(obj(payload.template).components).map(obj);
    return buttons.flatMap((b, index) => {
      if (b.type !== 'QUICK_REPLY') return [];
      const component = given.find((c) => Number(c.index) === index && String(c.type).toLowerCase() === 'button');
      const param = arr(component?.parameters).map(obj)[0];
      const payloadValue = typeof param?.payload === 'string' ? param.payload : b.text;
      return [{ kind: 'button' as const, id: payloadValue, title: b.text }];
    });
  }
  const interactive = obj(payload.interactive);
  const action = obj(interactive.action);
  if (interactive.type === 'button') {
    return arr(action.buttons).map((b) => {
      const reply = obj(obj(b).reply);
      return { kind: 'button_reply' as const, id: String(reply.id), title: String(reply.title) };
    });
  }
  if (interactive.type === 'list') {
    return arr(action.sections).flatMap((s) =>
      arr(obj(s).rows).map((r) => {
        const row = obj(r);
        return {
          kind: 'list_reply' as const,
          id: String(row.id),
          title: String(row.title),
          ...(typeof row.description === 'string' ? { description: row.description } : {}),
        };
      }),
    );
  }
  return [];
}

/** The reply options that apply: per-template first, then prompts (messages with choices), then the rest. */
export function optionsFor(behaviour: Behaviour, templateName: string | undefined, hasChoices: boolean): ReplyOption[] {
  if (templateName && behaviour.onTemplate?.[templateName]) return behaviour.onTemplate[templateName];
  return (hasChoices ? behaviour.onPrompt : behaviour.onMessage) ?? [];
}

/** One draw against the options' probabilities, in order; the remainder is "no reply". */
export function pickOption(options: readonly ReplyOption[], random: Random): ReplyOption | undefined {
  if (options.length === 0) return undefined;
  const draw = random();
  let cumulative = 0;
  for (const option of options) {
    cumulative += option.probability;
    if (draw < cumulative) return option;
  }
  return undefined;
}

const YES = /^(yes|yeah|yep|sure|ok|okay|sim|s[ií]|haan|ja|oui)\b/i;
const NO = /^(no|nope|not now|não|nao|nahi|nein|non)\b/i;

export interface ReplySpec {
  kind: 'yes' | 'no' | 'first' | 'tap' | 'text' | 'stop' | 'stop_marketing' | 'button' | 'button_reply' | 'list_reply';
  text?: string;
  title?: string;
  payload?: string;
  description?: string;
}

export interface ResolvedReply {
  content?: InboundContent;
  /** Tapping a choice quotes the message (context.id); typed text does not, unless asked. */
  quotes: boolean;
  stopMarketing: boolean;
}

function toContent(choice: Choice): InboundContent {
  if (choice.kind === 'button') return { type: 'button', button: { payload: choice.id, text: choice.title } };
  if (choice.kind === 'button_reply') {
    return {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: choice.id, title: choice.title } },
    };
  }
  const row = {
    id: choice.id,
    title: choice.title,
    ...(choice.description !== undefined ? { description: choice.description } : {}),
  };
  return { type: 'interactive', interactive: { type: 'list_reply', list_reply: row } };
}

const text = (body: string): ResolvedReply => ({
  content: { type: 'text', text: { body } },
  quotes: false,
  stopMarketing: false,
});
const tap = (choice: Choice): ResolvedReply => ({ content: toContent(choice), quotes: true, stopMarketing: false });

/**
 * Turns a reply kind into inbound content against the choices of the message replied to; undefined when the
 * reply cannot apply (e.g. `tap` on a title that is not offered).
 */
export function resolveReply(spec: ReplySpec, choices: readonly Choice[]): ResolvedReply | undefined {
  const byTitle = (title: string | undefined): Choice | undefined =>
    title === undefined ? undefined : choices.find((c) => c.title.toLowerCase() === title.toLowerCase());
  switch (spec.kind) {
    case 'text':
      return spec.text === undefined ? undefined : text(spec.text);
    case 'stop':
      return text('STOP');
    case 'stop_marketing':
      return { quotes: false, stopMarketing: true };
    case 'yes': {
      const choice = choices.find((c) => YES.test(c.title)) ?? choices[0];
      return choice ? tap(choice) : text('Yes');
    }
    case 'no': {
      const choice =
        choices.find((c) => NO.test(c.title)) ?? (choices.length > 1 ? choices[choices.length - 1] : undefined);
      return choice ? tap(choice) : text('No');
    }
    case 'first':
      return choices[0] ? tap(choices[0]) : undefined;
    case 'tap': {
      const choice = byTitle(spec.title ?? spec.text);
      return choice ? tap(choice) : undefined;
    }
    default: {
      const kind = spec.kind;
      const offered = choices.filter((c) => c.kind === kind);
      const choice =
        offered.find((c) => spec.payload !== undefined && c.id === spec.payload) ?? byTitle(spec.title) ?? offered[0];
      const explicit = spec.payload ?? choice?.id;
      const title = spec.title ?? choice?.title ?? spec.payload;
      if (explicit === undefined || title === undefined) return undefined;
      const description = spec.description ?? choice?.description;
      return tap({ kind, id: explicit, title, ...(description !== undefined ? { description } : {}) });
    }
  }
}
