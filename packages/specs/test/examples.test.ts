// Every example in every bundled document validates against the schema it illustrates (Ajv,
// JSON Schema 2020-12), including JSON carried inside strings (contentSchema, e.g. Dito's `event`).
import { describe, expect, it } from 'vitest';
import { apis, collectExamples, createAjv, loadDereferenced } from '../src/index.js';
import { jsonInStringSchema } from './json-in-string-schema.js';

const ajv = createAjv();

describe.each(apis.map((api) => [api.name]))('%s examples', (name) => {
  const examples = collectExamples(loadDereferenced(name));

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((example) => [`${example.location} ${example.name}`, example]))('%s', (_, example) => {
    const validate = ajv.compile(example.schema);
    const valid = validate(example.value);
    expect(validate.errors ?? [], JSON.stringify(example.value)).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('contentSchema is asserted, not just annotated', () => {
  const validate = ajv.compile(jsonInStringSchema);

  it.each([
    ['valid JSON content', '{"action":"comprou"}', true, undefined],
    ['content missing a required field', '{"revenue":1}', false, '/event'],
    ['content of the wrong type', '{"action":5}', false, '/event/action'],
    ['a string that is not JSON', '{action:', false, '/event'],
  ])('%s', (_, event, expected, pointer) => {
    expect(validate({ event })).toBe(expected);
    if (pointer) expect(validate.errors?.map((error) => error.instancePath)).toContain(pointer);
  });
});
