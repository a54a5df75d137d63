import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCaptureBatch, encodeCaptureBatch, readCaptureBatch } from './capture-batch.js';
import { CoreError } from './errors.js';

const items = [
  { capture: { v: 1, n: 'a' }, signature: 'sa', body: Buffer.from('first body') },
  { capture: { v: 1, n: 'b' }, signature: 'sb', body: Buffer.alloc(0) },
  { capture: { v: 1, n: 'c' }, signature: 'sc', body: Buffer.from([0, 255, 13, 10]) },
];

test('a batch decodes to its items, bodies byte for byte', () => {
  const back = decodeCaptureBatch(encodeCaptureBatch(items));
  assert.deepEqual(
    back.map((i) => [i.capture, i.signature, Buffer.from(i.body).toString('hex')]),
    items.map((i) => [i.capture, i.signature, i.body.toString('hex')]),
  );
});

const head = (h: unknown, tail: Buffer = Buffer.alloc(0)) => {
  const json = Buffer.from(JSON.stringify(h));
  const p = Buffer.alloc(4);
  p.writeUInt32BE(json.length);
  return Buffer.concat([p, json, tail]);
};

test('a malformed frame is refused whole, saying what is wrong', () => {
  const good = encodeCaptureBatch(items);
  const cases: [string, Buffer, RegExp][] = [
    ['too short', Buffer.from([0, 0]), /shorter than its 4-byte head length/],
    ['head past the end', good.subarray(0, 20), /runs past the end/],
    ['body cut short', good.subarray(0, good.length - 1), /captures\[2\]'s 4-byte body runs past the end/],
    ['bytes after the last body', Buffer.concat([good, Buffer.from('x')]), /1 bytes follow the last body/],
    ['head not JSON', Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{x')]), /head is not JSON/],
    ['wrong version', head({ v: 2, captures: [] }), /v: 1/],
    ['no captures', head({ v: 1, captures: [] }), /non-empty list/],
    [
      'negative length',
      head({ v: 1, captures: [{ capture: {}, signature: '', bodyBytes: -1 }] }),
      /bodyBytes/,
    ],
    [
      'fractional length',
      head({ v: 1, captures: [{ capture: {}, signature: '', bodyBytes: 1.5 }] }, Buffer.from('ab')),
      /bodyBytes/,
    ],
    [
      'too many',
      head({ v: 1, captures: Array.from({ length: 65 }, () => ({ bodyBytes: 0 })) }),
      /more than 64/,
    ],
    ['huge head length', Buffer.from([0xff, 0xff, 0xff, 0xff]), /over the limit/],
  ];
  for (const [name, bytes, message] of cases)
    assert.throws(
      () => decodeCaptureBatch(bytes),
      (e: unknown) => e instanceof CoreError && e.code === 'INVALID_SCHEMA' && message.test(e.message),
      name,
    );
});

test('a lease ask travels in the head; one outside 1..64 refuses the frame whole', () => {
  assert.deepEqual(readCaptureBatch(encodeCaptureBatch(items, { max: 5 })).lease, { max: 5 });
  assert.equal(readCaptureBatch(encodeCaptureBatch(items)).lease, null, 'no ask, none read');
  const frame = (lease: unknown) =>
    head({ v: 1, captures: [{ capture: {}, signature: '', bodyBytes: 0 }], lease });
  for (const lease of [{ max: 0 }, { max: 65 }, { max: 1.5 }, { max: '4' }, {}, null, 7])
    assert.throws(
      () => readCaptureBatch(frame(lease)),
      (e: unknown) => e instanceof CoreError && /head\.lease/.test(e.message),
      JSON.stringify(lease),
    );
});

test("a batch's bytes are JSON.stringify's head and the bodies; a capture's own text goes in as it is", () => {
  const frame = (head: unknown, bodies: Buffer[]) => {
    const json = Buffer.from(JSON.stringify(head));
    const p = Buffer.alloc(4);
    p.writeUInt32BE(json.length);
    return Buffer.concat([p, json, ...bodies]);
  };
  const unicode = { capture: { v: 1, n: 'é ✓ \u2028 "q"' }, signature: 'sü', body: Buffer.from('ü') };
  const odd = { capture: undefined, signature: undefined, body: Buffer.from('x') };
  for (const [list, lease] of [
    [items, null],
    [items, { max: 7 }],
    [[unicode, odd], { max: 1 }],
  ] as const) {
    const expected = frame(
      {
        v: 1,
        captures: list.map((i) => ({ capture: i.capture, signature: i.signature, bodyBytes: i.body.length })),
        ...(lease ? { lease } : {}),
      },
      list.map((i) => i.body),
    );
    assert.deepEqual(encodeCaptureBatch(list, lease), expected);
  }
  // captureJson is written in place of the capture's serialisation: key order as given
  const withText = encodeCaptureBatch([{ ...items[0], captureJson: '{"n":"a","v":1}' } as (typeof items)[0]]);
  assert.ok(withText.includes(Buffer.from('{"capture":{"n":"a","v":1},"signature":"sa","bodyBytes":10}')));
  assert.deepEqual(readCaptureBatch(withText).items[0]?.capture, { n: 'a', v: 1 });
});
