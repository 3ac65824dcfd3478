/** The default keyword lists of inbound-keywords.ts (docs/conversations.md lists the rule and how to replace them). */

/** Whole-message opt-out keywords (any language). */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'STOP ALL',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPT OUT',
  'OPTOUT',
  'PARAR', // pt, es
  'PARE', // pt
  'SAIR', // pt
  'ALTO', // es
  'BAJA', // es ("darse de baja")
  'DETENER', // es
  'ARRÊTER', // fr
  'ARRETER',
  'STOPP', // de, sv, no
  'ABMELDEN', // de
  'BASTA', // it, es
  'रोकें', // hi
  'रोको', // hi
  'बंद करो', // hi
  'توقف', // ar
  'إلغاء الاشتراك', // ar
];

/** Every combination of the parts, joined by spaces. */
const combine = (...parts: readonly (readonly string[])[]): string[] =>
  parts.reduce<string[]>((acc, part) => acc.flatMap((a) => part.map((p) => (a ? `${a} ${p}` : p))), ['']);

const EN_WHO = ['agent', 'human', 'person', 'representative', 'operator', 'someone', 'somebody', 'staff'];

/**
 * Escalation entries per language: one word = the whole message; several words = a phrase inside a message.
 * Hindi covers Devanagari and Hinglish (Hindi in Latin letters), as customers write both.
 */
export const DEFAULT_ESCALATION_PHRASES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'agent',
    'human',
    'person',
    'representative',
    'operator',
    'help desk',
    ...combine(['talk', 'speak', 'chat'], ['to', 'with'], EN_WHO),
    ...combine(
      ['want', 'need', 'get me', 'connect me to', 'transfer me to'],
      ['agent', 'human', 'person', 'representative'],
    ),
    'real person',
    'live person',
    'live agent',
    'human agent',
    'human being',
    'customer service',
    'customer care',
    'customer support',
    'call me back',
  ],
  es: [
    'agente',
    'humano',
    'asesor',
    'operador',
    ...combine(['hablar'], ['con'], ['agente', 'persona', 'humano', 'asesor', 'alguien', 'operador', 'representante']),
    ...combine(['quiero', 'necesito'], ['agente', 'humano', 'asesor', 'persona real']),
    'persona real',
    'atención al cliente',
    'servicio al cliente',
  ],
  pt: [
    'atendente',
    'humano',
    ...combine(['falar'], ['com'], ['atendente', 'pessoa', 'humano', 'agente', 'alguém']),
    'pessoa real',
  ],
  hi: [
    'एजेंट',
    'इंसान',
    ...combine(['एजेंट', 'इंसान', 'किसी', 'व्यक्ति', 'प्रतिनिधि'], ['से'], ['बात']),
    'ग्राहक सेवा',
    // Hinglish
    ...combine(['agent', 'insaan', 'insan', 'kisi', 'aadmi', 'banda'], ['se'], ['baat']),
    'koi insaan',
    'koi insan',
    'customer care se',
    'call karo',
  ],
  fr: ['conseiller', ...combine(['parler'], ['à', 'avec'], ['conseiller', 'humain', 'quelqu', 'agent', 'personne'])],
  de: ['mensch', 'mitarbeiter', ...combine(['mit'], ['mensch', 'mitarbeiter', 'jemandem'], ['sprechen'])],
  ar: ['موظف', 'التحدث مع موظف', 'خدمة العملاء'],
};

/** Words that do not change what a one-word message asks ("agent please", "hola, agente"). */
export const COURTESY_WORDS: readonly string[] = [
  'please pls plz now asap hi hello hey thanks thank you ok a an the',
  'por favor porfa ya ahora hola gracias un una',
  'olá oi agora obrigado',
  'kripya jaldi abhi namaste plz bhai ji',
  'कृपया अभी जल्दी नमस्ते जी',
  'svp bonjour merci',
  'bitte jetzt hallo danke',
  'من فضلك مرحبا',
];
