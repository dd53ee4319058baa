// The contract suite: written once, run against whatever target the global setup provides
// (Prism mocks by default). Every case comes from the specs; see src/cases.ts and src/edge-cases.ts.
import { apis, createAjv } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import './setup/provide.js';
import {
  type CaseKind,
  Coverage,
  caseName,
  casesFor,
  checkCase,
  coverageRows,
  duringStoreFault,
  type RequestCase,
} from '../src/index.js';

const target = inject('target');
const ajv = createAjv();
const coverage = new Coverage();
const kindsSent = new Set<CaseKind>();

describe.each(apis.map((api) => [api.name]))('%s', (api) => {
  const { plain, duringStoreFault: faulty } = casesFor(api, target);

  const check = async (request: RequestCase) => {
    kindsSent.add(request.kind);
    expect(await checkCase(api, target, request, coverage, ajv)).toEqual([]);
  };

  it('has a target URL', () => {
    expect(target.urls[api], `no URL for ${api} in target ${target.name}`).toBeDefined();
  });

  it.each(plain.map((request) => [caseName(request), request]))('%s', (_, request) => check(request));

  // Inside one store fault, side by side: each waits out the store's own timeout before its 503.
  describe.runIf(faulty.length > 0)('while the store fails', () => {
    let end: () => void;
    let ended: Promise<unknown>;
    beforeAll(async () => {
      let begun!: () => void;
      const started = new Promise<void>((resolve) => (begun = resolve));
      ended = duringStoreFault(target, () => {
        begun();
        return new Promise<void>((resolve) => (end = resolve));
      });
      await Promise.race([started, ended]);
    });
    afterAll(async () => {
      end?.();
      await ended;
    });
    it.concurrent.each(faulty.map((request) => [caseName(request), request]))('%s', (_, request) => check(request));
  });
});

// The coverage gate, as a test of its own that runs last (tests of a file run in order): it shows
// in every report by name, and a filtered run leaves it out instead of failing on what it skipped.
it('exercised every operation with a documented 2xx, and every documented answer or its stated reason', () => {
  const rows = coverageRows(
    coverage,
    target,
    apis.map((api) => api.name),
  );
  console.log(Coverage.format(target.name, rows));
  // Every operation of every API must have been exercised with a documented 2xx.
  expect(rows.filter((row) => !row.covered2xx).map((row) => `${row.api} ${row.operation}`)).toEqual([]);
  // A documented answer the suite never got, for no stated reason, is a gap in the suite (checked on full runs).
  if (kindsSent.size > 1)
    expect(
      rows.flatMap((row) =>
        row.uncovered.filter((code) => !row.reasons[code]).map((code) => `${row.api} ${row.operation} ${code}`),
      ),
    ).toEqual([]);
});
