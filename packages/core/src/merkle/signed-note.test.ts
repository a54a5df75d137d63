import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CoreError } from '../errors.js';
import { generateIdentity } from '../identity.js';
import {
  generateNoteKeys,
  keyIdHex,
  noteSignerFromIdentity,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.js';
import { addNoteSignatures, parseNote, signNote, verifyNote } from './signed-note.js';

// Source: the repository's testdata/rfc6962/signed-note/vectors.json, from golang.org/x/mod sumdb/note/note_test.go
// @ 02c99138 (BSD-3-Clause) and the C2SP signed-note.md example @ 5ba5ee83 (CC BY 4.0).
const TESTDATA = new URL('../../../../testdata/rfc6962/', import.meta.url);
interface NoteVectors {
  verifiable: {
    signerKey?: string;
    verifierKey: string;
    text: string;
    signedNote?: string;
    signatureLine?: string;
    deterministic?: boolean;
  }[];
  mustReject: { desc: string; signedNote: string; verifierKey?: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('signed-note/vectors.json', TESTDATA), 'utf8'),
) as NoteVectors;
const isCode = (code: string) => (e: unknown) => e instanceof CoreError && e.code === code;
const peter = vectors.verifiable[0];
const enoch = vectors.verifiable[1];

test('Go and C2SP notes verify with their verifier keys', () => {
  assert.equal(vectors.verifiable.length, 3);
  for (const v of vectors.verifiable) {
    const note = v.signedNote ?? `${v.text}\n${v.signatureLine}`;
    const verifier = parseVerifierKey(v.verifierKey);
    const opened = verifyNote(note, [verifier]);
    assert.equal(opened.text, v.text);
    assert.equal(opened.verified.length, 1);
    assert.equal(opened.verified[0]?.name, verifier.name);
    assert.equal(
      `${verifier.name}+${keyIdHex(verifier.keyId)}`,
      v.verifierKey.split('+').slice(0, 2).join('+'),
    );
  }
});

test('signing with the Go signer key reproduces the Go note byte for byte', () => {
  assert.ok(peter?.signerKey && peter.deterministic && peter.signedNote);
  const signer = parseSignerKey(peter.signerKey);
  assert.equal(signNote(peter.text, [signer]), peter.signedNote);
});

test('a note signed by two keys verifies with either; the other signature is reported unknown', () => {
  assert.ok(peter?.signedNote && enoch?.signatureLine);
  const both = `${peter.signedNote}${enoch.signatureLine}`;
  const byEnoch = verifyNote(both, [parseVerifierKey(enoch.verifierKey)]);
  assert.deepEqual(
    byEnoch.unknown.map((s) => s.name),
    ['PeterNeumann'],
  );
  const byBoth = verifyNote(both, [parseVerifierKey(peter.verifierKey), parseVerifierKey(enoch.verifierKey)]);
  assert.equal(byBoth.verified.length, 2);
});

test('every must-reject note is rejected', () => {
  assert.equal(vectors.mustReject.length, 6);
  const trusted = [parseVerifierKey(peter?.verifierKey ?? '')];
  for (const v of vectors.mustReject) {
    assert.throws(
      () => verifyNote(v.signedNote, v.verifierKey ? [parseVerifierKey(v.verifierKey)] : trusted),
      (e: unknown) => e instanceof CoreError && ['BAD_NOTE', 'BAD_SIGNATURE'].includes(e.code),
      v.desc,
    );
  }
  // The tampered Go signature is well-formed: it must fail as a signature, not as syntax.
  const tampered = vectors.mustReject.at(-1);
  assert.throws(() => verifyNote(tampered?.signedNote ?? '', trusted), isCode('BAD_SIGNATURE'));
});

test('unknown keys, name-only and ID-only matches are not trusted', () => {
  const note = peter?.signedNote ?? '';
  const { verifierKey } = generateNoteKeys('PeterNeumann'); // same name, other key ID
  assert.throws(() => verifyNote(note, [parseVerifierKey(verifierKey)]), isCode('UNKNOWN_SIGNER'));
  assert.throws(
    () => verifyNote(note, []),
    /not signed by any trusted key \(signed by PeterNeumann\+c74f20a3\)/,
  );
  // Same key ID under another name: ignored too.
  const impostor = { name: 'Someone', keyId: 0xc74f20a3, verify: () => true };
  assert.throws(() => verifyNote(note, [impostor]), isCode('UNKNOWN_SIGNER'));
});

test('malformed notes are named', () => {
  const text = 'hello\n';
  const signed = signNote(text, [parseSignerKey(peter?.signerKey ?? '')]);
  assert.throws(() => parseNote(signed.replace('\u2014', '-')), /does not start with an em dash/);
  assert.throws(() => parseNote(`hel\u0007lo\n${signed.slice(text.length)}`), /control character 0x7/);
  assert.throws(
    () => parseNote(Buffer.concat([Buffer.from([0xff]), Buffer.from(signed)])),
    /not valid UTF-8/,
  );
  assert.throws(() => parseNote(signed.replace(/=\n$/, '\n')), /no valid base64 signature/);
  assert.throws(() => parseNote(`${text}\n\u2014 PeterNeumann AAAA\n`), /no valid base64 signature/);
  assert.throws(
    () => parseNote(`${text}\n${'\u2014 a AAAAAAA=\n'.repeat(101)}`),
    /101 signatures, limit 100/,
  );
  assert.throws(() => signNote('no newline', [parseSignerKey(peter?.signerKey ?? '')]), isCode('BAD_NOTE'));
  assert.throws(
    () => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    /key gives c74f20a3/,
  );
  assert.throws(
    () => parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    isCode('BAD_KEY'),
  );
});

test('text may hold blank lines; the last blank line splits off the signatures', () => {
  const keys = generateNoteKeys('example.com/log');
  const text = 'para one\n\npara two\n';
  const note = signNote(text, [parseSignerKey(keys.signerKey)]);
  assert.equal(verifyNote(note, [parseVerifierKey(keys.verifierKey)]).text, text);
});

test('a core identity signs notes; a witness can add its signature', () => {
  const log = noteSignerFromIdentity('sward.example/log', generateIdentity());
  const witnessKeys = generateNoteKeys('witness.example');
  const note = addNoteSignatures(signNote('tree\n', [log]), [parseSignerKey(witnessKeys.signerKey)]);
  const opened = verifyNote(note, [parseVerifierKey(witnessKeys.verifierKey)]);
  assert.deepEqual(
    opened.unknown.map((s) => s.name),
    ['sward.example/log'],
  );
  const witness = parseVerifierKey(witnessKeys.verifierKey);
  assert.ok(witnessKeys.verifierKey.startsWith(`witness.example+${keyIdHex(witness.keyId)}+`));
  assert.ok(witnessKeys.signerKey.startsWith(`PRIVATE+KEY+witness.example+${keyIdHex(witness.keyId)}+`));
});
