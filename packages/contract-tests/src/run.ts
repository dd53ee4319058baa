/**
 * The contract suite as a program (the `trackspec-contract` command): every case of every API sent to
 * the target and checked, the coverage per operation, and one more check per operation that it was
 * exercised with a documented 2xx. The vitest suite in test/ runs the same cases case by case.
 */
import { apiNames, createAjv, documentedResponse, loadDereferenced } from '@trackspec/specs';
import { deriveCases, type RequestCase } from './cases.js';
import { checkAnswer } from './check.js';
import { Coverage } from './coverage.js';
import { sendRaw, sendWithClient } from './send.js';
import { appliesTo, type Target } from './target.js';

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
    : sendRaw(baseUrl, credentials, request);
}

export async function runSuite(target: Target, apis: readonly string[] = apiNames): Promise<SuiteResult> {
  const ajv = createAjv();
  // Cases are derived with standard JSON Schema semantics (contentSchema is an annotation), see cases.ts.
  const derivationAjv = createAjv({}, { assertContentSchema: false });
  const coverage = new Coverage();
  const results: CaseResult[] = [];
  for (const api of apis) {
    if (!target.urls[api]) {
      results.push({ api, name: 'has a target URL', operationId: '', failures: [`no URL for ${api}`], durationMs: 0 });
      continue;
    }
    for (const request of deriveCases(loadDereferenced(api), derivationAjv).filter(appliesTo(target))) {
      const started = performance.now();
      let failures: string[];
      try {
        const answer = await sendCase(api, target, request);
        const documented = documentedResponse(request.operation.operation, answer.status);
        if (documented) coverage.record(api, request.operation.operationId, documented.key);
        failures = checkAnswer(request, answer, ajv);
      } catch (error) {
        failures = [`the request failed: ${(error as Error).message}`];
      }
      results.push({
        api,
        name: caseName(request),
        operationId: request.operation.operationId,
        failures,
        durationMs: performance.now() - started,
      });
    }
  }
  const rows = apis.filter((api) => target.urls[api]).flatMap((api) => coverage.rows(api, loadDereferenced(api)));
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
