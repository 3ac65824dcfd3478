/** Input, output and payload types of the session-message builder (docs/meta-cloud-api.md#content-limits). */
import type { MetaTemplateLike, TemplateSendParameters } from '../template-model';

/** Words the builder adds itself; pass them in the template's language. */
export interface SessionLabels {
  /** Prefix of a phone-number button rendered as text: "Call: +1 555…". */
  readonly call: string;
  /** Prefix of a copy-code button rendered as text: "Code: SALE20". */
  readonly code: string;
  /** The button that opens a list (≤20). */
  readonly listButton: string;
}

export interface SessionBuildInput {
  /** The original template in Meta's management format (`GET /{waba}/message_templates`); validated here. */
  readonly template: MetaTemplateLike;
  /** The parameters the template was sent with (Lifeline API shape). */
  readonly parameters: TemplateSendParameters;
  readonly labels?: Partial<SessionLabels>;
}

export type SessionScenario = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

// --- Payloads: exact JSON bodies for POST /{PNID}/messages, without `to` ---

export interface TextSessionMessage {
  readonly messaging_product: 'whatsapp';
  readonly type: 'text';
  readonly text: { readonly body: string; readonly preview_url: boolean };
}

export interface MediaObject {
  readonly link: string;
  readonly caption?: string;
  readonly filename?: string;
}
export type MediaSessionMessage =
  | { readonly messaging_product: 'whatsapp'; readonly type: 'image'; readonly image: MediaObject }
  | { readonly messaging_product: 'whatsapp'; readonly type: 'video'; readonly video: MediaObject }
  | { readonly messaging_product: 'whatsapp'; readonly type: 'document'; readonly document: MediaObject };

export type InteractiveHeader =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly image: MediaObject }
  | { readonly type: 'video'; readonly video: MediaObject }
  | { readonly type: 'document'; readonly document: MediaObject };

interface InteractiveCommon {
  readonly body: { readonly text: string };
  readonly footer?: { readonly text: string };
}
export interface InteractiveButtons extends InteractiveCommon {
  readonly type: 'button';
  readonly header?: InteractiveHeader;
  readonly action: {
    readonly buttons: readonly {
      readonly type: 'reply';
      readonly reply: { readonly id: string; readonly title: string };
    }[];
  };
}
export interface ListRow {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}
export interface InteractiveList extends InteractiveCommon {
  readonly type: 'list';
  readonly header?: { readonly type: 'text'; readonly text: string };
  readonly action: {
    readonly button: string;
    readonly sections: readonly { readonly title?: string; readonly rows: readonly ListRow[] }[];
  };
}
export interface InteractiveCtaUrl extends InteractiveCommon {
  readonly type: 'cta_url';
  readonly header?: InteractiveHeader;
  readonly action: {
    readonly name: 'cta_url';
    readonly parameters: { readonly display_text: string; readonly url: string };
  };
}
export interface InteractiveSessionMessage {
  readonly messaging_product: 'whatsapp';
  readonly type: 'interactive';
  readonly interactive: InteractiveButtons | InteractiveList | InteractiveCtaUrl;
}

export type SessionMessage = TextSessionMessage | MediaSessionMessage | InteractiveSessionMessage;

// --- Result ---

/** A reply button or list row: the id the customer's reply carries, and the template payload it stands for. */
export interface SessionChoice {
  readonly id: string;
  readonly title: string;
  /** The original quick-reply payload (caller's payload for that button index, or the button text if static). */
  readonly payload: string;
  /** The quick reply's index among the template's buttons. */
  readonly buttonIndex: number;
}

export interface TruncationNote {
  /** Path in `messages`, e.g. `messages[0].interactive.body.text`. */
  readonly path: string;
  readonly originalLength: number;
  readonly length: number;
  readonly limit: number;
}
/** A title or id changed to keep it unique within its message. */
export interface RenameNote {
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

export type SessionBuildFailureReason = 'unsupported_template' | 'invalid_template' | 'invalid_parameters';

export type SessionBuildResult =
  | {
      readonly ok: true;
      readonly scenario: SessionScenario;
      /** Send in order; two messages only in scenario 8 (media, then list). */
      readonly messages: readonly [SessionMessage] | readonly [SessionMessage, SessionMessage];
      /** Space consecutive messages by at least this much (pair rate limit, docs/meta-cloud-api.md#limits-and-pacing). */
      readonly minSpacingMs: number;
      readonly choices: readonly SessionChoice[];
      readonly truncated: readonly TruncationNote[];
      readonly renamed: readonly RenameNote[];
    }
  | { readonly ok: false; readonly reason: SessionBuildFailureReason; readonly detail: string };
