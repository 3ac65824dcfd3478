import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Lifeline's custom search attributes: what operators filter on in the Temporal Web UI. */
export const SA = {
  tenant: defineSearchAttributeKey('LifelineTenant', SearchAttributeType.KEYWORD),
  recipient: defineSearchAttributeKey('LifelineRecipient', SearchAttributeType.KEYWORD),
  templateGroup: defineSearchAttributeKey('LifelineTemplateGroup', SearchAttributeType.KEYWORD),
  campaign: defineSearchAttributeKey('LifelineCampaign', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('LifelineStatus', SearchAttributeType.KEYWORD),
} as const;

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SA).flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}

/** What a namespace's registered search attributes lack of Lifeline's, and which of ours it holds as another type. */
export function searchAttributeGaps(registered: Record<string, string>): { missing: string[]; wrongType: string[] } {
  const missing: string[] = [];
  const wrongType: string[] = [];
  for (const key of Object.values(SA)) {
    const type = registered[key.name];
    if (type === undefined) missing.push(key.name);
    else if (type !== key.type) wrongType.push(`${key.name} (${type}, needs ${key.type})`);
  }
  return { missing, wrongType };
}
