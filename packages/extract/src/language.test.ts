import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLanguage } from './language.js';

test('ISO 639-1 codes from the text; the declared lang only for very short text', () => {
  assert.equal(
    detectLanguage('The committee will publish its final report on the new railway line next week.'),
    'en',
  );
  assert.equal(
    detectLanguage(
      'Le comité publiera son rapport final sur la nouvelle ligne de chemin de fer la semaine prochaine.',
    ),
    'fr',
  );
  assert.equal(
    detectLanguage(
      'Der Ausschuss wird seinen Abschlussbericht über die neue Bahnstrecke nächste Woche veröffentlichen.',
    ),
    'de',
  );
  assert.equal(detectLanguage('委員会は来週、新しい鉄道路線に関する最終報告書を公表する予定です。'), 'ja');
  assert.equal(detectLanguage('Hi', 'pt-BR'), 'pt');
  assert.equal(detectLanguage('', null), null);
});
