import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvLine, parseCsv, readColumns } from './csv.js';
import { InferenceError } from './errors.js';

test('quoted fields keep commas, doubled quotes and newlines; line numbers follow the text', () => {
  const recs = parseCsv('\ufeffa,b\r\n"x,1","say ""hi"""\n"two\nlines",z\n\nlast,1');
  assert.deepEqual(
    recs.map((r) => [r.line, r.fields]),
    [
      [1, ['a', 'b']],
      [2, ['x,1', 'say "hi"']],
      [3, ['two\nlines', 'z']],
      [6, ['last', '1']],
    ],
  );
});

test('columns are found by header name in any order, extra columns ignored', () => {
  const cols = readColumns('label,extra,worker,task\n1,,w1,t1\n"0",x,w2,"t 2"\n', [
    'task',
    'worker',
    'label',
  ]);
  assert.deepEqual(cols, { task: ['t1', 't 2'], worker: ['w1', 'w2'], label: ['1', '0'] });
});

const failsWith = (text: string, message: RegExp) =>
  assert.throws(
    () => readColumns(text, ['task', 'worker', 'label']),
    (e: unknown) => e instanceof InferenceError && e.code === 'BAD_CSV' && message.test(e.message),
  );

test('malformed rows are reported with their line', () => {
  failsWith('task,worker,label\nt1,w1,1\nt2,w2\n', /^line 3: expected 3 fields, found 2/);
  failsWith('task,worker,label\nt1,w1,1\n"t2,w2,1\n', /^line 3: unterminated quoted field/);
  failsWith('task,worker,label\n"a\nb",w1,1\nt2,w2,\n', /^line 4: empty label/);
  failsWith('task,worker,label\nt"1,w1,1\n', /^line 2: stray quote/);
  failsWith('task,annotator,label\nt1,w1,1\n', /^line 1: .*lacks column\(s\) worker/);
  failsWith('', /empty input/);
});

test('csvLine quotes only what needs quoting and round-trips', () => {
  const fields = ['plain', 'a,b', 'q"q', 'multi\nline', ' pad'];
  const line = csvLine(fields);
  assert.equal(line, 'plain,"a,b","q""q","multi\nline"," pad"\n');
  assert.deepEqual(parseCsv(line)[0]?.fields, fields);
});
