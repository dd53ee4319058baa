// Checking answers against the operation that documents them: status, media type, body schema and
// the documented headers (a required one missing, or one whose value breaks its schema).
import { describe, expect, it } from 'vitest';
import { createAjv, getOperation, loadDereferenced, responseProblems } from '../src/index.js';

const ajv = createAjv();
const ingest = getOperation(loadDereferenced('hellotext'), 'trackAttributionEvent').operation;
const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'try later' };
const unavailable = (headers?: Record<string, string>) => ({
  status: 503,
  mediaType: 'application/problem+json',
  body: problem,
  ...(headers ? { headers } : {}),
});

describe('responseProblems', () => {
  it('accepts a documented 503 with its Retry-After', () => {
    expect(responseProblems(ingest, unavailable({ 'retry-after': '1' }), ajv)).toEqual([]);
  });

  it('names a required header that is missing', () => {
    expect(responseProblems(ingest, unavailable({}), ajv)).toEqual([
      '503 answer lacks the documented header Retry-After',
    ]);
  });

  it('names a header whose value breaks its schema', () => {
    expect(responseProblems(ingest, unavailable({ 'retry-after': '-3' }), ajv)).toEqual([
      expect.stringMatching(/^503 header Retry-After: "-3" /),
    ]);
    expect(responseProblems(ingest, unavailable({ 'retry-after': 'soon' }), ajv)).toHaveLength(1);
  });

  it('checks no header when the answer carries none (a caller that only has the body)', () => {
    expect(responseProblems(ingest, unavailable(), ajv)).toEqual([]);
  });

  it('names an undocumented status, media type and body', () => {
    expect(responseProblems(ingest, { status: 418, mediaType: 'application/json', body: {} }, ajv)).toEqual([
      expect.stringMatching(/^status 418 is not documented/),
    ]);
    expect(
      responseProblems(ingest, { ...unavailable({ 'retry-after': '1' }), mediaType: 'application/json' }, ajv),
    ).toEqual([expect.stringMatching(/^503 answered application\/json; documented: application\/problem\+json/)]);
  });
});
