import assert from 'node:assert/strict';
import { test } from 'node:test';
import { francAll } from 'franc-min';
import { data } from 'franc-min/data.js';
import { rankLanguages } from './trigram-ranking.js';

// rankLanguages must be franc's ranking exactly (languages, order, scores): detectLanguage's answer, and with
// it every stored document, depends on it. Texts: sentences in several scripts, edge cases, and texts built
// from each of franc's own language models (its trigrams, joined and repeated, so counts above 1 occur),
// mixed with other scripts and cut at lengths around franc's 2,048-character sample.

const SENTENCES = [
  'The committee will publish its final report on the new railway line next week.',
  'Le comité publiera son rapport final sur la nouvelle ligne de chemin de fer la semaine prochaine.',
  'Der Ausschuss wird seinen Abschlussbericht über die neue Bahnstrecke nächste Woche veröffentlichen.',
  '委員会は来週、新しい鉄道路線に関する最終報告書を公表する予定です。',
  '委员会将于下周发布关于新铁路线的最终报告。',
  'Комитет опубликует свой окончательный доклад о новой железнодорожной линии на следующей неделе.',
  'ستنشر اللجنة تقريرها النهائي عن خط السكك الحديدية الجديد الأسبوع المقبل.',
  'समिति अगले सप्ताह नई रेल लाइन पर अपनी अंतिम रिपोर्ट प्रकाशित करेगी।',
  'Η επιτροπή θα δημοσιεύσει την τελική της έκθεση την επόμενη εβδομάδα.',
  '위원회는 다음 주에 새 철도 노선에 대한 최종 보고서를 발표할 것이다.',
  'คณะกรรมการจะเผยแพร่รายงานฉบับสุดท้ายในสัปดาห์หน้า',
];

const EDGE = [
  '',
  'short',
  '12345678901234567890123',
  '!!!???...,,,;;;:::----____====',
  '     \n\t   \n     \t\t   \n      ',
  '🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂 🚆🚆🚆🚆🚆🚆🚆🚆',
  'abc',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'ÀÉÎÕÜ àéîõü ÀÉÎÕÜ àéîõü ÀÉÎÕÜ àéîõü',
  // ASCII only (counted without building the cleaned string): punctuation, digits, controls, case
  '  ...The Committee, (again!) -- will PUBLISH its 2nd report; "next" week?  ',
  'a\tb\nc\u000bd\fe\rf g  h\u0000i\u0001j\u007fk~l`m{n}o|p[q]r^s_t',
  'x y z x y z x y z x y z',
  'ab ab ab ab ab ab ab ab ab ab ab ab',
  `${'Word '.repeat(500)}end`,
  // Greek final sigma beside punctuation, curly quotes, Han shared by Chinese and Japanese, surrogates
  "ΟΔΟΣ. ΤΕΛΟΣ’Α ΑΣ'Α ΑΣ:Α ΑΣ.Α ΑΣ Α ΛΟΓΟΣ",
  'The “committee’s” report — in full — was published… next week’s meeting follows.',
  '東京 漢字 ひらがな カタカナ 漢字 東京 漢字 東京 漢字',
  'The committee 🙂 will publish its final report 𝒳 on the new railway line next week.',
  'İstanbul İzmir IĞDIR ıi İi Straße STRASSE ǅ ǈ ǋ',
];

function modelTexts(): string[] {
  const texts: string[] = [];
  let n = 0;
  for (const languages of Object.values(data))
    for (const model of Object.values(languages)) {
      const trigrams = model.split('|');
      n++;
      // a quadratic walk over the model's first `span` trigrams: frequent ones repeat, rare ones appear once
      const span = 40 + ((n * 37) % 260);
      const words = Array.from({ length: 900 }, (_, i) => trigrams[(i * i + n * i) % span] ?? '');
      const text = words.join(n % 2 ? '' : ' ');
      texts.push(text.slice(0, 20 + ((n * 53) % 400)), text.slice(0, 2047), text);
      texts.push(`${text.slice(0, 600)} ${SENTENCES[n % SENTENCES.length]?.repeat(3)}`);
    }
  return texts;
}

test('rankLanguages is franc-min francAll, languages, order and scores, at both minimum lengths', () => {
  const texts = [
    ...SENTENCES,
    ...EDGE,
    ...SENTENCES.map((s) => s.repeat(40)),
    ...EDGE.map((s) => `${s} ${SENTENCES[0]} ${s}`),
    ...modelTexts(),
  ];
  assert.ok(texts.length > 250, `only ${texts.length} texts`);
  for (const text of texts)
    for (const minLength of [10, 20])
      assert.deepEqual(
        rankLanguages(text, minLength),
        francAll(text, { minLength }),
        `ranking differs for ${JSON.stringify(text.slice(0, 80))} (${text.length} chars)`,
      );
});

test('texts of more distinct trigrams no language has than the table of them first holds rank as franc does', () => {
  // letters drawn at random (a fixed generator): nearly every trigram is one no language has; the table of
  // them starts at 1,024 slots and doubles before it is half full, during a text and across texts
  let x = 7;
  const draw = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return alphabet[(x >>> 8) % alphabet.length];
    }).join('');
  const texts = [
    draw('abcdefghijklmnopqrstuvwxyz ', 3000),
    draw('abcdefghijklmnopqrstuvwxyz', 3000),
    draw('abcdefghijklmnopqrstuvwxyzàéîõüçñß ', 3000),
    draw('abcdefghijklmnopqrstuvwxyz ', 300),
    draw('abcdefghijklmnopqrstuvwxyzàéîõü ', 2500),
  ];
  for (const text of texts)
    assert.deepEqual(rankLanguages(text, 10), francAll(text, { minLength: 10 }), `${text.slice(0, 40)}…`);
});
