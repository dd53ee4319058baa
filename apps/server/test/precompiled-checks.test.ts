// The server's precompiled validators (scripts/generate-validators.ts, Ajv standalone code) judge
// every request exactly as the checks compiled at run time do: the verdicts of every operation's
// example requests and of requests that break them, derived from the specs, are the same, violation
// for violation and in the same order. A schema the build did not see (a spec changed without
// regenerating) never meets a stale check: it is compiled at run time.
import {
  apiNames,
  compileRequestValidator,
  listOperations,
  loadDereferenced,
  type OperationRef,
  precompiledKey,
  requestCheckSchemas,
  type SpecObject,
} from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { type DerivedRequest, deriveRequests, requestInput } from '../../../packages/specs/test/request-cases.js';
import { configCheckOptions, schemaForRegistry } from '../src/config-schema.js';
import { precompiledChecks } from '../src/generated/validators/index.js';

/** The verdict with its carried JSON as entries, comparable with toEqual. */
const judged = (operation: OperationRef, request: DerivedRequest, precompiled?: typeof precompiledChecks) => {
  const verdict = compileRequestValidator(operation, precompiled)(requestInput(request));
  return verdict.valid ? { ...verdict, carriedJson: [...verdict.carriedJson] } : verdict;
};

/** True for a string that holds a JSON object (JSON carried in a string, e.g. Dito's `event`). */
function carriesJson(value: unknown): boolean {
  if (typeof value !== 'string' || !value.startsWith('{')) return false;
  try {
    return typeof JSON.parse(value) === 'object';
  } catch {
    return false;
  }
}

/** Every break of a body at once, and carried JSON that is not JSON beside them: several violations, whose order counts. */
function combinedBreaks(requests: DerivedRequest[]): DerivedRequest[] {
  const combined = new Map<string, DerivedRequest>();
  for (const broken of requests) {
    if (broken.expected?.in !== 'body' || !broken.body || typeof broken.body !== 'object') continue;
    const base = requests.find(
      (request) =>
        !request.expected && request.operation === broken.operation && request.mediaType === broken.mediaType,
    );
    if (!base?.body || typeof base.body !== 'object') continue;
    const key = `${broken.operation.operationId} ${broken.mediaType}`;
    const all = combined.get(key) ?? { ...base, name: 'every body break at once', body: { ...base.body } };
    const body = all.body as Record<string, unknown>;
    const before = base.body as Record<string, unknown>;
    const after = broken.body as Record<string, unknown>;
    for (const name of Object.keys(before)) if (!(name in after)) delete body[name];
    for (const [name, value] of Object.entries(after))
      if (JSON.stringify(value) !== JSON.stringify(before[name])) body[name] = value;
    combined.set(key, all);
    // A member whose JSON text the break changed carries JSON: also send it as text that is not JSON.
    const carrier = Object.keys(after).find((name) => carriesJson(before[name]) && after[name] !== before[name]);
    if (carrier)
      combined.set(`${key} ${carrier}`, {
        ...all,
        name: `every body break, /${carrier} not JSON`,
        body: { ...body, [carrier]: '{not json' },
      });
  }
  return [...combined.values()];
}

describe.each(apiNames.map((api) => [api]))('%s: precompiled validators', (api) => {
  const operations = listOperations(loadDereferenced(api)).filter((operation) => operation.source === 'paths');
  const derived = deriveRequests(api);
  const requests = [...derived, ...combinedBreaks(derived)];

  it('has a precompiled check for every schema of every operation (nothing left to compile at start-up)', () => {
    for (const operation of operations)
      for (const { options, schema } of requestCheckSchemas(operation))
        expect(precompiledChecks[precompiledKey(options, JSON.stringify(schema))], operation.operationId).toBeTypeOf(
          'function',
        );
  });

  it('derives examples and breaks, several breaks at once among them', () => {
    expect(requests.filter((request) => !request.expected).length).toBeGreaterThan(0);
    expect(requests.filter((request) => request.expected).length).toBeGreaterThanOrEqual(2);
  });

  it.each(requests.map((request) => [request.operation.operationId, request.name, request] as const))(
    '%s %s: the same verdict as the run-time check',
    (_operationId, _name, request) => {
      expect(judged(request.operation, request, precompiledChecks)).toEqual(judged(request.operation, request));
    },
  );
});

describe('a schema the build did not see', () => {
  const example = deriveRequests('m1das').find(
    (request) => request.mediaType === 'application/json' && !request.expected && typeof request.body === 'object',
  )!;
  const { operation } = example;

  it('is compiled at run time, not judged by the stale precompiled check', () => {
    // The spec as it would be after an edit that was not regenerated: one more required member.
    const changed = structuredClone(operation);
    const media = changed.requestBody!.content!['application/json'] as { schema: SpecObject };
    media.schema = { ...media.schema, required: [...(media.schema.required ?? []), 'addedSinceTheBuild'] };
    expect(precompiledChecks[precompiledKey({}, JSON.stringify(media.schema))]).toBeUndefined();

    expect(judged(operation, example, precompiledChecks)).toMatchObject({ valid: true });
    const verdict = judged(changed, { ...example, operation: changed }, precompiledChecks);
    expect(verdict).toMatchObject({
      valid: false,
      violations: [{ in: 'body', pointer: '/addedSinceTheBuild', keyword: 'required' }],
    });
    expect(verdict).toEqual(judged(changed, { ...example, operation: changed }));
  });

  it('includes the config schema, under the options the config is checked with', () => {
    expect(precompiledChecks[precompiledKey(configCheckOptions, JSON.stringify(schemaForRegistry()))]).toBeTypeOf(
      'function',
    );
  });
});
