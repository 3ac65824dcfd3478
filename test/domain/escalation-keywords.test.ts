import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keywordLists, matchInbound } from '../../src/domain/inbound-keywords';

const defaults = keywordLists({});

/** [message, language of the entry that must match | undefined = must not escalate]. */
const PHRASINGS: [string, string | undefined][] = [
  // English
  ['I want to talk to a person', 'en'],
  ['agent', 'en'],
  ['AGENT!!', 'en'],
  ['agent please', 'en'],
  ['Hi, HUMAN now', 'en'],
  ['Can I speak with a real human?', 'en'],
  ['talk to someone', 'en'],
  ['I need an agent', 'en'],
  ['please connect me to an agent', 'en'],
  ['Is there a real person there?', 'en'],
  ['customer service', 'en'],
  ['I am an agent of change', undefined],
  ['can an agent call me?', undefined],
  ['agentur', undefined],
  ['Agenturen und Partner', undefined],
  ['the human body is amazing', undefined],
  ['my personal details are wrong', undefined],
  ['this person ordered twice', undefined],
  ['I need someone to fix my order', undefined],
  ['humanity', undefined],
  // Spanish
  ['Quiero hablar con una persona', 'es'],
  ['¿Puedo hablar con alguien?', 'es'],
  ['agente por favor', 'es'],
  ['necesito un asesor', 'es'],
  ['Hola, humano', 'es'],
  ['atención al cliente', 'es'],
  ['Soy agente de seguros', undefined],
  ['una persona me dijo que llegaba hoy', undefined],
  ['los agentes de cambio', undefined],
  // Hindi (Devanagari)
  ['मुझे किसी इंसान से बात करनी है', 'hi'],
  ['एजेंट से बात करवाइए', 'hi'],
  ['एजेंट', 'hi'],
  ['कृपया एजेंट', 'hi'],
  ['मैं एजेंट बनना चाहता हूँ', undefined],
  ['बात', undefined],
  // Hinglish
  ['mujhe agent se baat karni hai', 'hi'],
  ['kisi insaan se baat karwa do please', 'hi'],
  ['koi insaan hai kya?', 'hi'],
  ['bhai customer care se baat karao', 'en'],
  ['maine baat ki thi kal', undefined],
  ['order kab aayega', undefined],
  // Portuguese, French, German, Arabic
  ['quero falar com um atendente', 'pt'],
  ['je veux parler à un conseiller', 'fr'],
  ['Ich möchte mit einem Mitarbeiter sprechen', 'de'],
  ['موظف', 'ar'],
];

describe('escalation phrasings (table)', () => {
  for (const [message, language] of PHRASINGS) {
    it(`when a customer writes "${message}", then it ${language ? `escalates (${language})` : 'does not escalate'}`, () => {
      const got = matchInbound([message], defaults);
      if (language === undefined) assert.equal(got, undefined, JSON.stringify(got));
      else {
        assert.equal(got?.intent, 'escalation', JSON.stringify(got));
        assert.equal(got?.intent === 'escalation' && got.language, language);
      }
    });
  }

  it('when a message is both an opt-out and a request for a human, then the opt-out wins', () => {
    assert.equal(matchInbound(['STOP'], keywordLists({ escalationKeywords: ['stop'] }))?.intent, 'opt_out');
  });

  it('when the tenant gives its own list, then only it counts: one list, or lists per language', () => {
    const own = keywordLists({ escalationKeywords: ['concierge', 'speak to manager'] });
    assert.equal(matchInbound(['Concierge!'], own)?.intent, 'escalation');
    assert.equal(matchInbound(['can I speak to your manager'], own)?.intent, 'escalation');
    assert.equal(matchInbound(['I want to talk to a person'], own), undefined);
    const perLanguage = keywordLists({ escalationKeywords: { es: ['quiero un humano'], en: ['front desk'] } });
    assert.deepEqual(matchInbound(['quiero hablar un humano'], perLanguage), {
      intent: 'escalation',
      keyword: 'quiero un humano',
      language: 'es',
    });
    assert.equal(matchInbound(['agent'], perLanguage), undefined);
  });

  it('when phrase words are too far apart, then it is not the phrase', () => {
    assert.equal(matchInbound(['I will talk to my wife about this person'], defaults), undefined);
  });

  it('when a tap carries the keyword as its title or payload, then it counts', () => {
    assert.equal(matchInbound(['Talk to an agent', 'HELP_AGENT'], defaults)?.intent, 'escalation');
  });
});
