/**
 * The contract suite as a program (the `trackspec-contract` command): every case of every API sent to
 * the target and checked, the coverage per operation, and one more check per operation that it was
 * exercised with a documented 2xx. The vitest suite in test/ runs the same cases case by case.
 */
import { apiNames, createAjv, documentedResponse, loadDereferenced } from '@trackspec/specs';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { deriveCases, type RequestCase } from './cases.js';
import { checkAnswer } from './check.js';
import { Coverage } from './coverage.js';
import { type Answer, describeRequest, sendRaw, sendWithClient, transportErrorOf } from './send.js';
import { type Target, whyLeftOut } from './target.js';

export interface CaseResult {
  api: string;
  /** `POST /v1/track: example track (application/json) → 2xx` */
  name: string;
  operationId: string;
  failures: string[];
  durationMs: number;
}

export interface SuiteResult {
  target: string;
  results: CaseResult[];
  coverage: ReturnType<Coverage['rows']>;
}

export const caseName = (request: RequestCase) =>
  `${request.operation.method.toUpperCase()} ${request.operation.path}: ${request.name} → ${request.expect}`;

/** Sends one case the way the suite does: named examples through the typed client, the rest raw. */
export async function sendCase(api: string, target: Target, request: RequestCase): Promise<ReturnType<typeof sendRaw>> {
  const baseUrl = target.urls[api]!;
  const credentials = target.credentials[api] ?? {};
  return request.kind === 'example'
    ? sendWithClient(api, baseUrl, credentials, request)
    : sendRaw(baseUrl, credentials, request, target.secondSourceCredentials?.[api]);
}

/**
 * Sends one case, records the documented status it got, and returns what is wrong with the answer.
 * Each failure names the request (operation, case, size and nesting of its body) and says what came
 * back: the status and the start of the body, or the transport error in place of an answer, so that
 * a CI log tells the cause without a rerun.
 */
export async function checkCase(
  api: string,
  target: Target,
  request: RequestCase,
  coverage: Coverage,
  ajv: Ajv2020,
): Promise<string[]> {
  let answer: Answer;
  try {
    answer = await sendCase(api, target, request);
  } catch (error) {
    return [`${describeRequest(api, request)}: no answer, transport error ${transportErrorOf(error)}`];
  }
  const documented = documentedResponse(request.operation.operation, answer.status);
  if (documented) coverage.record(api, request.operation.operationId, documented.key);
  const problems = checkAnswer(request, answer, ajv);
  if (problems.length === 0) return [];
  const got = `answered ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 200) ?? '(no body)'}`;
  return problems.map((problem) => `${problem} — ${describeRequest(api, request)} ${got}`);
}

// Cases are derived once per API and process (the specs do not change under it), with standard JSON
// Schema semantics (contentSchema is an annotation, see cases.ts).
const derivedByApi = new Map<string, RequestCase[]>();
function derivedCases(api: string): RequestCase[] {
  let cases = derivedByApi.get(api);
  if (!cases) {
    cases = deriveCases(loadDereferenced(api), createAjv({}, { assertContentSchema: false }));
    derivedByApi.set(api, cases);
  }
  return cases;
}

/**
 * The cases of an API a target can be held to (those needing no store fault apart), and the ones
 * left out, with the reason.
 */
export function casesFor(api: string, target: Target) {
  const derived = derivedCases(api).map((request) => ({
    request,
    leftOut: whyLeftOut(target, api, request),
  }));
  const cases = derived.filter(({ leftOut }) => leftOut === undefined).map(({ request }) => request);
  return {
    plain: cases.filter((request) => request.requires === undefined),
    duringStoreFault: cases.filter((request) => request.requires === 'store-fault'),
    leftOut: derived.flatMap(({ request, leftOut }) => (leftOut ? [{ request, reason: leftOut }] : [])),
  };
}

/** Runs `work` while the target's store fails: POST `begin`, then `end` whatever happens. */
export async function duringStoreFault<T>(target: Target, work: () => Promise<T>): Promise<T> {
  const fault = target.storeFault;
  if (!fault) throw new Error(`target ${target.name} has no storeFault hook`);
  const call = async (url: string) => {
    const response = await fetch(url, { method: 'POST' });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`store fault hook ${url} answered ${response.status}`);
  };
  await call(fault.begin);
  try {
    return await work();
  } finally {
    await call(fault.end);
  }
}

/**
 * The coverage rows of a target. Beside a documented code it was not asked for: the reason the
 * cases that call for that code were left out (none: a gap in the suite).
 */
export function coverageRows(coverage: Coverage, target: Target, apis: readonly string[]) {
  return apis.flatMap((api) => {
    const reasons = new Map<string, string>();
    for (const { request, reason } of casesFor(api, target).leftOut) {
      const key = `${request.operation.operationId} ${request.status ?? ''}`;
      if (!reasons.has(key)) reasons.set(key, reason);
    }
    return coverage.rows(api, loadDereferenced(api), (operation, status) =>
      reasons.get(`${String(operation.operationId)} ${status}`),
    );
  });
}

export async function runSuite(target: Target, apis: readonly string[] = apiNames): Promise<SuiteResult> {
  const ajv = createAjv();
  const coverage = new Coverage();
  const results: CaseResult[] = [];
  for (const api of apis) {
    if (!target.urls[api]) {
      results.push({ api, name: 'has a target URL', operationId: '', failures: [`no URL for ${api}`], durationMs: 0 });
      continue;
    }
    const run = async (request: RequestCase): Promise<CaseResult> => {
      const started = performance.now();
      let failures: string[];
      try {
        failures = await checkCase(api, target, request, coverage, ajv);
      } catch (error) {
        failures = [`the request failed: ${(error as Error).message}`];
      }
      const { operationId } = request.operation;
      return { api, name: caseName(request), operationId, failures, durationMs: performance.now() - started };
    };
    const { plain, duringStoreFault: faulty } = casesFor(api, target);
    for (const request of plain) results.push(await run(request));
    // Together, inside one fault: each waits out the store's own timeout.
    if (faulty.length > 0) results.push(...(await duringStoreFault(target, () => Promise.all(faulty.map(run)))));
  }
  const rows = coverageRows(
    coverage,
    target,
    apis.filter((api) => target.urls[api]),
  );
  for (const row of rows)
    results.push({
      api: row.api,
      name: `${row.operation}: exercised with a documented 2xx`,
      operationId: row.operationId,
      failures: row.covered2xx ? [] : ['no case got a documented 2xx answer'],
      durationMs: 0,
    });
  return { target: target.name, results, coverage: rows };
}
