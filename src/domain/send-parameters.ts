/** Template parameters in Lifeline's API shape (docs/api.md), shared by the API, workflows and builders. */
export interface SendParameters {
  header?:
    | { type: 'text'; text: string }
    | { type: 'image' | 'video' | 'document'; link: string; filename?: string }
    | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string };
  body?: string[] | Record<string, string>;
  buttons?: { index: number; text?: string; payload?: string; couponCode?: string }[];
}
