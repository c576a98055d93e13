import * as assert from 'node:assert/strict';
import { isFormToHost, type FormExchanges, type FormRequest } from '../../src/shared/protocol/connectionForm';
import { answerTo, Latest } from '../../src/shared/protocol/requests';
import type { ResultsExchanges, ResultsToHost } from '../../src/shared/protocol/results';

describe('webview requests and their answers, paired by type', () => {
  const draft = { type: 'postgres', name: 'pg', values: {}, secrets: {} };

  it("answers a request with its own id and only its kind's answer", () => {
    const asked: FormRequest<'test'> = { type: 'test', requestId: 7, draft };
    assert.ok(isFormToHost(asked));
    const answer = answerTo<FormExchanges, 'test'>(asked, {
      type: 'testResult',
      outcome: { ok: true, latencyMs: 3, message: 'ok' },
      fieldErrors: {},
    });
    assert.deepEqual(answer, {
      type: 'testResult',
      requestId: 7,
      outcome: { ok: true, latencyMs: 3, message: 'ok' },
      fieldErrors: {},
    });
    // The compiler refuses the answer of another kind: a save answered as a test does not build.
    // @ts-expect-error a test request gets a testResult, not a saveResult
    answerTo<FormExchanges, 'test'>(asked, { type: 'saveResult', ok: true, message: '', fieldErrors: {} });
    const window: Extract<ResultsToHost, { type: 'window' }> = {
      type: 'window',
      generation: 2,
      requestId: 5,
      offset: 100,
      count: 50,
    };
    const rows = answerTo<ResultsExchanges, 'window'>(window, { type: 'rows', generation: 2, offset: 100, rows: [] });
    assert.equal(rows.requestId, 5);
  });

  it('keeps only the latest request: an answer to an earlier one, or a second answer, is dropped', () => {
    const latest = new Latest();
    const first = latest.issue();
    const second = latest.issue();
    assert.notEqual(first, second);
    assert.equal(latest.answers({ requestId: first }), false, 'superseded');
    assert.equal(latest.answers({ requestId: second }), true);
    assert.equal(latest.answers({ requestId: second }), false, 'already answered');
    assert.equal(new Latest().answers({ requestId: 0 }), false, 'nothing asked');
  });
});
