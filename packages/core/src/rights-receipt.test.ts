import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowRights } from './dataset-wire.js';
import { receiptDecision, rightsReceiptSchema } from './rights-receipt.js';

const allow = { decision: 'allow', reason: 'no-signal' } as const;
const receipt = (creator?: object) =>
  rightsReceiptSchema.parse({
    v: creator ? 2 : 1,
    purpose: 'input',
    documents: [],
    decisions: { train: allow, input: allow, index: allow },
    ...(creator ? { creator } : {}),
  });
const terms = {
  domain: 'pub.test',
  version: 3,
  license: 'CC-BY-NC-4.0',
  purposes: ['input', 'index'],
  pricePer1000PagesUsd: '0',
  royaltyShare: 0,
};

test("a page under creator terms is refused for a purpose the terms leave out, whatever the site's signals said", () => {
  const r = receipt(terms);
  assert.deepEqual(receiptDecision(r, 'input'), allow);
  const train = receiptDecision(r, 'train');
  assert.equal(train.decision, 'skip');
  assert.match(train.reason, /^creator:purpose-not-allowed \(terms v3 of pub\.test allow input, index\)$/);
});

test("a dataset row carries the creator's licence and only the purposes both the site and the terms allow", () => {
  const rights = rowRights({ rights: receipt(terms) });
  assert.equal(rights?.license, 'CC-BY-NC-4.0');
  assert.equal(rights?.allowedPurposes, 'input,index');
  assert.match(String(JSON.parse(String(rights?.usageReasons)).train), /^skip:creator:purpose-not-allowed/);
  // without creator terms, the site's signals alone decide
  const plain = rowRights({ rights: receipt() });
  assert.equal(plain?.allowedPurposes, 'train,input,index');
  assert.equal(plain?.license, 'unspecified');
});
