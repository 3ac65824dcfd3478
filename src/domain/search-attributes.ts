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
