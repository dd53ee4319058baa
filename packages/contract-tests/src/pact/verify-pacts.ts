/**
 * Pact files verified against the specs (and, with a target, replayed against a provider): one
 * result per interaction, in the contract suite's result shape, so the JUnit writer serves both.
 */
import { apiNames, createAjv, loadDereferenced, type OpenApiDocument } from '@trackspec/specs';
import type { CaseResult } from '../run.js';
import type { Target } from '../target.js';
import { type Pact, PactFileError, readPactFile } from './pact-file.js';
import { replayInteraction } from './replay.js';
import { formatFinding, type Validators, verifyInteraction } from './verify.js';

export interface PactFileResult {
  file: string;
  pact: Pact;
  api: string;
  results: CaseResult[];
}

/**
 * The API a pact is for: the one named, else the registered API its `provider.name` names (equal
 * once case and punctuation are set aside, else the only one it contains: `m1das-ingest` → m1das).
 */
export function apiOfProvider(provider: string, registered: readonly string[] = apiNames): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  const exact = registered.find((api) => plain(api) === plain(provider));
  if (exact) return exact;
  const contained = registered.filter((api) => plain(provider).includes(plain(api)));
  return contained.length === 1 ? contained[0] : undefined;
}

export async function verifyPactFile(
  file: string,
  options: { api?: string; target?: Target } = {},
): Promise<PactFileResult> {
  const pact = readPactFile(file);
  const api = options.api ?? apiOfProvider(pact.provider);
  if (!api)
    throw new PactFileError(
      `${file}: provider "${pact.provider}" names no registered API (${apiNames.join(', ')}); give --api`,
    );
  const document: OpenApiDocument = loadDereferenced(api);
  const validators: Validators = { body: createAjv(), parameters: createAjv({ coerceTypes: true }) };
  const results: CaseResult[] = [];
  for (const interaction of pact.interactions) {
    const started = performance.now();
    const verdict = verifyInteraction(api, document, interaction, validators);
    const findings = [...verdict.findings];
    if (options.target && verdict.matched && options.target.urls[api])
      findings.push(...(await replayInteraction(options.target, api, interaction, verdict.matched)));
    results.push({
      api,
      name: `${pact.consumer}: ${interaction.description}`,
      operationId: verdict.matched?.operation.operationId ?? '',
      failures: findings.map(formatFinding),
      durationMs: performance.now() - started,
    });
  }
  return { file, pact, api, results };
}
