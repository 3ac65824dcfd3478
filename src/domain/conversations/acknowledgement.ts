import { truncateAtWord } from '../text';
import { SESSION_LIMITS } from '../session-builder/limits';
import type { EscalationSettings } from './escalation-settings';

interface Wording {
  intro: string;
  agent: string;
  phone: string;
  email: string;
  webForm: string;
}

/** Built-in wording per language; a language without one falls back to English. */
const WORDING: Record<string, Wording> = {
  en: {
    intro: 'Thanks for your message. We are connecting you with a person.',
    agent: 'A member of our team will reply in this chat shortly.',
    phone: 'Call us',
    email: 'Email us',
    webForm: 'Or write to us here',
  },
  es: {
    intro: 'Gracias por tu mensaje. Te estamos comunicando con una persona.',
    agent: 'Alguien de nuestro equipo te responderá en este chat en breve.',
    phone: 'Llámanos',
    email: 'Escríbenos',
    webForm: 'O escríbenos aquí',
  },
  pt: {
    intro: 'Obrigado pela sua mensagem. Estamos conectando você com uma pessoa.',
    agent: 'Alguém da nossa equipe responderá neste chat em breve.',
    phone: 'Ligue para nós',
    email: 'Envie um e-mail',
    webForm: 'Ou escreva para nós aqui',
  },
  hi: {
    intro: 'आपके संदेश के लिए धन्यवाद। हम आपको एक व्यक्ति से जोड़ रहे हैं।',
    agent: 'हमारी टीम का कोई सदस्य जल्द ही इसी चैट में जवाब देगा।',
    phone: 'हमें कॉल करें',
    email: 'हमें ईमेल करें',
    webForm: 'या यहाँ लिखें',
  },
};

/**
 * The automatic answer to an escalation: the tenant's opening text (or the built-in one) in the language the
 * request was made in, then every configured human path. Pure; always within a text message's length limit.
 */
export function acknowledgementText(settings: EscalationSettings, language: string): string {
  const w = WORDING[language] ?? WORDING.en!;
  const own = settings.acknowledgement;
  const intro = own?.[language] ?? own?.default ?? w.intro;
  const p = settings.humanPath;
  const lines = [
    intro,
    ...(p.agentHandoff ? [w.agent] : []),
    ...(p.phone ? [`${w.phone}: ${p.phone}`] : []),
    ...(p.email ? [`${w.email}: ${p.email}`] : []),
    ...(p.webForm ? [`${w.webForm}: ${p.webForm}`] : []),
  ];
  return truncateAtWord(lines.join('\n'), SESSION_LIMITS.textBody);
}
