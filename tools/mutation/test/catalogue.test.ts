// Each mutation of the catalogue, applied to answers built from the specs' own examples (every
// documented status of every operation), changes them so the spec no longer describes them as they are:
// a body, media type or undocumented status that `responseProblems` refuses; a swapped status whose
// answer is valid for the new status (so only the status itself is wrong); a declared header gone.
import {
  apiNames,
  createAjv,
  documentedResponse,
  listOperations,
  loadDereferenced,
  responseProblems,
} from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import type { MutableAnswer, OperationContext } from '../src/answer.js';
import { catalogue, type Mutation } from '../src/catalogue.js';
import { documentedAnswer, documentedStatuses } from '../src/documented.js';

const ajv = createAjv();

/** Every documented answer of every operation, as a server following the spec would send it. */
const samples: Array<{ answer: MutableAnswer; context: OperationContext }> = apiNames.flatMap((api) =>
  listOperations(loadDereferenced(api))
    .filter((operation) => operation.source === 'paths')
    .flatMap((operation) => {
      const context = { api, operation, ajv };
      return documentedStatuses(context).flatMap((status) => {
        const answer = documentedAnswer(context, status);
        return answer ? [{ answer, context }] : [];
      });
    }),
);

const problemsOf = (answer: MutableAnswer, { operation }: OperationContext) =>
  responseProblems(operation.operation, answer, ajv);

/** What makes the mutated answer wrong for each class of mutation. */
function expectBroken(mutation: Mutation, original: MutableAnswer, mutated: MutableAnswer, context: OperationContext) {
  const where = `${mutation.name} on ${context.api} ${context.operation.operationId} ${original.status}`;
  switch (mutation.class) {
    case 'status':
    case 'acceptance':
      expect(mutated.status, where).not.toBe(original.status);
      // Documented swaps carry a valid answer for their new status; an undocumented status is a problem in itself.
      if (documentedResponse(context.operation.operation, mutated.status))
        expect(problemsOf(mutated, context), where).toEqual([]);
      else expect(problemsOf(mutated, context), where).not.toEqual([]);
      break;
    case 'header': {
      const declared = Object.keys(
        documentedResponse(context.operation.operation, original.status)?.response.headers ?? {},
      ).map((name) => name.toLowerCase());
      expect(
        declared.filter((name) => name in mutated.headers),
        where,
      ).toEqual([]);
      expect(
        declared.some((name) => name in original.headers),
        where,
      ).toBe(true);
      break;
    }
    default:
      expect(problemsOf(mutated, context), where).not.toEqual([]);
  }
}

describe('the mutation catalogue', () => {
  it('builds valid sample answers from the specs', () => {
    expect(samples.length).toBeGreaterThan(20);
    for (const { answer, context } of samples) expect(problemsOf(answer, context)).toEqual([]);
  });

  for (const mutation of catalogue)
    it(`${mutation.name}: ${mutation.description}`, () => {
      let applied = 0;
      for (const { answer, context } of samples) {
        const before = structuredClone(answer);
        const mutated = mutation.apply(answer, context);
        expect(answer, 'the original answer is left as it was').toEqual(before);
        if (!mutated) continue;
        applied++;
        expectBroken(mutation, answer, mutated, context);
      }
      expect(applied, 'sample answers the mutation fits').toBeGreaterThan(0);
    });
});
