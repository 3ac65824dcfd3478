import type { ConsentOutcome, ConsentRepo } from '../src/db/repositories/consent';
import type { RegistryRepo } from '../src/db/repositories/registry';
import type { TenantsRepo } from '../src/db/repositories/tenants';
import type { SendParameters } from '../src/domain/send-parameters';
import { buildSessionMessages } from '../src/domain/session-builder';
import type { FallbackRefusal } from '../src/domain/failure-reasons';
import { readTenantSettings } from '../src/domain/tenant-settings';

export interface FallbackDeps {
  registry: RegistryRepo;
  tenants: TenantsRepo;
  consent: ConsentRepo;
}

export type FallbackPlan =
  | { allowed: true; messages: Record<string, unknown>[]; scenario: number; minSpacingMs: number }
  | { allowed: false; reason: FallbackRefusal; detail?: string };

export function createFallbackActivities(deps: FallbackDeps) {
  return {
    /**
     * Decides whether Smart Utility Fallback may run for this message, and builds the session message(s) up front:
     * there is no point asking the customer's permission for content that cannot be delivered.
     */
    async prepareFallback(input: {
      tenantId: string;
      recipient: string;
      campaignId?: string;
      templateId: string;
      parameters?: SendParameters;
    }): Promise<FallbackPlan> {
      const [template, tenant] = await Promise.all([
        deps.registry.template(input.tenantId, input.templateId),
        deps.tenants.get(input.tenantId),
      ]);
      if (!template) return { allowed: false, reason: 'template_unknown' };
      if (template.category !== 'MARKETING') return { allowed: false, reason: 'not_a_marketing_template' };
      const settings = readTenantSettings(tenant?.settings).smartUtilityFallback;
      const history = await deps.consent.history(
        input.tenantId,
        input.recipient,
        input.campaignId,
        Date.now() - settings.promptPeriod,
      );
      if (history.declinedCampaign) return { allowed: false, reason: 'declined_this_campaign' };
      if (history.recentPrompts >= settings.maxPromptsPerContact)
        return { allowed: false, reason: 'consent_prompt_cap' };
      const built = buildSessionMessages({
        template: {
          components: template.components,
          name: template.name,
          language: template.language,
          category: template.category,
        },
        parameters: input.parameters ?? {},
      });
      if (!built.ok)
        return {
          allowed: false,
          reason: built.reason === 'unsupported_template' ? 'unsupported_template_for_fallback' : built.reason,
          detail: built.detail,
        };
      return {
        allowed: true,
        messages: built.messages.map((m) => ({ ...m }) as Record<string, unknown>),
        scenario: built.scenario,
        minSpacingMs: built.minSpacingMs,
      };
    },

    /** The consent ledger: a prompt asked, then its outcome. */
    async recordConsent(input: {
      tenantId: string;
      messageId: string;
      recipient: string;
      campaignId?: string;
      attemptId?: string;
      outcome: ConsentOutcome;
    }): Promise<void> {
      if (input.outcome === 'asked') {
        await deps.consent.asked({
          tenantId: input.tenantId,
          messageId: input.messageId,
          waId: input.recipient,
          campaignId: input.campaignId,
          attemptId: input.attemptId ?? '',
        });
      } else {
        await deps.consent.settle(input.messageId, input.outcome);
      }
    },
  };
}
