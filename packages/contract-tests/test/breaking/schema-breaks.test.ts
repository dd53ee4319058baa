// Schema breaks: from every named request example of every API, each break made is
// rejected by the validator the server uses (contentSchema asserted), every kind of break comes out
// where the specs use its keyword; and, on small hand-written schemas, what each keyword yields.

import {
  apis,
  asReceived,
  createAjv,
  exampleRequests,
  type JsonObject,
  listOperations,
  loadDereferenced,
  type SpecObject,
} from '@trackspec/specs';
import { type BodyBreak, breakKinds, defaultBreakLimit, schemaBreaks } from '@trackspec/specs/breaking';
import { describe, expect, it } from 'vitest';

const asserting = createAjv();
// As in the contract suite: judged with standard semantics, embedded JSON confirmed by the asserting validator.
const plain = createAjv({}, { assertContentSchema: false });

interface ExampleCase {
  label: string;
  api: string;
  operation: string;
  mediaType: string;
  body: JsonObject;
  schema: SpecObject;
}

const exampleCases: ExampleCase[] = apis.flatMap(({ name: api }) =>
  listOperations(loadDereferenced(api)).flatMap((operation) =>
    exampleRequests(operation).flatMap((example) =>
      example.name !== undefined && example.body && typeof example.body === 'object' && !Array.isArray(example.body)
        ? [
            {
              label: `${api} ${operation.method.toUpperCase()} ${operation.path} ${example.name} (${example.mediaType})`,
              api,
              operation: `${operation.method.toUpperCase()} ${operation.path}`,
              mediaType: example.mediaType!,
              body: example.body as JsonObject,
              schema: example.schema!,
            },
          ]
        : [],
    ),
  ),
);

function mutationsOf({ mediaType, body, schema }: ExampleCase): BodyBreak[] {
  const validatePlain = plain.compile(schema);
  const validateAsserting = asserting.compile(schema);
  return schemaBreaks(body, schema, (candidate) => !validatePlain(asReceived(mediaType, candidate)), {
    isInvalidAssertingContent: (candidate) => !validateAsserting(asReceived(mediaType, candidate)),
  });
}

const produced = new Map(exampleCases.map((example) => [example, mutationsOf(example)]));
const of = (api: string, operation: string, exampleName?: string) =>
  [...produced]
    .filter(([example]) => example.api === api && example.operation === operation)
    .filter(([example]) => exampleName === undefined || example.label.includes(` ${exampleName} (`))
    .flatMap(([, breaks]) => breaks);

describe.each(exampleCases.map((example) => [example.label, example]))('%s', (_, example) => {
  const breaks = produced.get(example)!;
  const validateAsserting = asserting.compile(example.schema);
  const validatePlain = plain.compile(example.schema);

  it('breaks the schema with every bodyBreak, embedded JSON only where contentSchema is asserted', () => {
    for (const bodyBreak of breaks) {
      expect(validateAsserting(asReceived(example.mediaType, bodyBreak.body)), bodyBreak.name).toBe(false);
      expect(validatePlain(asReceived(example.mediaType, bodyBreak.body)), bodyBreak.name).toBe(
        bodyBreak.embeddedJson === true,
      );
    }
  });

  it('makes a bounded set of distinct breaks, the same on every run, leaving the example alone', () => {
    const before = structuredClone(example.body);
    expect(breaks.length).toBeLessThanOrEqual(defaultBreakLimit);
    expect(new Set(breaks.map((bodyBreak) => JSON.stringify(bodyBreak.body))).size).toBe(breaks.length);
    expect(new Set(breaks.map((bodyBreak) => bodyBreak.name)).size).toBe(breaks.length);
    expect(mutationsOf(example)).toEqual(breaks);
    expect(example.body).toEqual(before);
  });
});

describe('across the specs', () => {
  const names = (breaks: BodyBreak[]) => breaks.map((bodyBreak) => `${bodyBreak.kind}: ${bodyBreak.name}`);

  it('makes every kind of break somewhere', () => {
    const kinds = new Set([...produced.values()].flat().map((bodyBreak) => bodyBreak.kind));
    expect([...kinds].sort()).toEqual([...breakKinds].sort());
  });

  it('m1das /api/s/{event-type}: the if/then rules (track needs event, group needs groupId), met or made to hold', () => {
    expect(names(of('m1das', 'POST /api/s/{event-type}', 'track'))).toContain(
      'conditional-required: missing /event required by if/then',
    );
    expect(names(of('m1das', 'POST /api/s/{event-type}', 'page'))).toEqual(
      expect.arrayContaining([
        'conditional-required: missing /event required when /type is "track"',
        'conditional-required: missing /groupId required when /type is "group"',
        'conditional-required: missing /anonymousId required when /userId is absent',
      ]),
    );
  });

  it('m1das /v1/batch: breaks inside the events of the batch, and fits no branch of the event union', () => {
    const batch = names(of('m1das', 'POST /v1/batch'));
    expect(batch).toEqual(
      expect.arrayContaining([
        'missing-field: missing /batch/1/event',
        'no-branch: no oneOf branch fits /batch/0 (without /batch/0/type)',
        'format: ill-formed date-time at /batch/0/timestamp',
        'conditional-required: missing /batch/0/event required when /batch/0/type is "track"',
      ]),
    );
    expect(batch.filter((name) => name.startsWith('wrong-type: wrong type at /batch/0/'))).not.toEqual([]);
  });

  it('tto: patterns, formats and anyOf inside nested objects', () => {
    expect(names(of('tto', 'POST /v1/track'))).toEqual(
      expect.arrayContaining([
        'pattern: pattern broken at /traits/phone',
        'format: ill-formed email at /traits/email',
        'no-branch: no anyOf branch fits /traits (type integer)',
        'bound: shorter than minLength at /api_key',
      ]),
    );
  });

  it('dito: the JSON in the `event` field, broken and flagged, and an undeclared form field', () => {
    const dito = of('dito', 'POST /users/{id}');
    const embedded = dito.filter((bodyBreak) => bodyBreak.embeddedJson);
    expect(names(embedded)).toEqual(
      expect.arrayContaining([
        'missing-field: missing /event/action (JSON in /event)',
        'pattern: pattern broken at /event/action (JSON in /event)',
        'additional-property: undeclared member /event/x_undeclared_member (JSON in /event)',
      ]),
    );
    const missingAction = embedded.find((bodyBreak) => bodyBreak.name.startsWith('missing /event/action'))!;
    expect(JSON.parse(missingAction.body.event as string)).not.toHaveProperty('action');
    expect(names(dito)).toEqual(
      expect.arrayContaining([
        'additional-property: undeclared member /x_undeclared_member',
        'conditional-required: missing /sha1_signature required by if/then',
      ]),
    );
  });

  it('hellotext: the if/then rule of profile or session_id, made to hold', () => {
    expect(names(of('hellotext', 'POST /v1/attribution/events', 'byProfile'))).toContain(
      'conditional-required: missing /session_id required when /profile is absent',
    );
  });
});

/** The breaks of `body` a plain validator of `schema` confirms (contentSchema asserted by the second one). */
function breaksOf(schema: SpecObject, body: JsonObject, limit?: number): BodyBreak[] {
  const validatePlain = plain.compile(schema);
  const validateAsserting = asserting.compile(schema);
  return schemaBreaks(body, schema, (candidate) => !validatePlain(candidate), {
    isInvalidAssertingContent: (candidate) => !validateAsserting(candidate),
    limit,
  });
}
const namesOf = (breaks: BodyBreak[]) => breaks.map((bodyBreak) => bodyBreak.name);
const bodyNamed = (breaks: BodyBreak[], name: string) => breaks.find((bodyBreak) => bodyBreak.name === name)?.body;

describe('on hand-written schemas', () => {
  it('removes required members and changes types at every depth, through allOf and items', () => {
    const schema = {
      type: 'object',
      required: ['order'],
      properties: {
        order: {
          allOf: [{ type: 'object', required: ['id'], properties: { id: { type: 'string' } } }],
          properties: {
            lines: {
              type: 'array',
              items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
            },
          },
        },
      },
    };
    const breaks = breaksOf(schema, { order: { id: 'o1', lines: [{ sku: 'a' }] } });
    expect(namesOf(breaks)).toEqual(
      expect.arrayContaining([
        'missing /order',
        'missing /order/id',
        'missing /order/lines/0/sku',
        'wrong type at /order/id',
        'wrong type at /order/lines/0',
        'wrong type at /order/lines/0/sku',
      ]),
    );
    expect(bodyNamed(breaks, 'missing /order/lines/0/sku')).toEqual({ order: { id: 'o1', lines: [{}] } });
  });

  it('follows prefixItems', () => {
    const schema = {
      type: 'object',
      properties: {
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], minItems: 2, items: false },
      },
    };
    expect(namesOf(breaksOf(schema, { pair: ['a', 1] }))).toEqual(
      expect.arrayContaining(['wrong type at /pair/0', 'wrong type at /pair/1']),
    );
  });

  it('makes a value no branch of a oneOf/anyOf fits, and follows the branch the example takes', () => {
    const branch = (type: string, extra: string) => ({
      type: 'object',
      required: ['type', extra],
      properties: { type: { const: type }, [extra]: { type: 'string', minLength: 2 } },
    });
    const schema = {
      type: 'object',
      properties: {
        item: { oneOf: [branch('a', 'alpha'), branch('b', 'beta')], discriminator: { propertyName: 'type' } },
        id: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    };
    const breaks = breaksOf(schema, { item: { type: 'b', beta: 'xy' }, id: 'x' });
    expect(namesOf(breaks)).toEqual(
      expect.arrayContaining([
        'no oneOf branch fits /item (without /item/type)',
        'no anyOf branch fits /id (type boolean)',
        'missing /item/beta',
        'shorter than minLength at /item/beta',
      ]),
    );
    expect(breaks.filter((bodyBreak) => bodyBreak.kind === 'no-branch')).toHaveLength(2);
  });

  it('removes what then/else or dependentRequired asks for, making the if hold when the example does not', () => {
    const schema = {
      type: 'object',
      properties: { kind: { enum: ['card', 'cash'] }, number: { type: 'string' }, till: { type: 'string' } },
      if: { required: ['kind'], properties: { kind: { const: 'card' } } },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema `then`, never awaited
      then: { required: ['number'] },
      else: { required: ['till'] },
      dependentRequired: { number: ['expiry'] },
    };
    const cash = breaksOf(schema, { kind: 'cash', till: 't1' });
    expect(namesOf(cash)).toEqual(
      expect.arrayContaining(['missing /till required by if/else', 'missing /number required when /kind is "card"']),
    );
    expect(bodyNamed(cash, 'missing /number required when /kind is "card"')).toEqual({ kind: 'card', till: 't1' });
    const card = breaksOf(schema, { kind: 'card', number: '4111', expiry: '12/30' });
    expect(namesOf(card)).toEqual(
      expect.arrayContaining(['missing /number required by if/then', 'missing /expiry required with /number']),
    );
  });

  it('breaks a pattern with the first candidate the validator rejects', () => {
    const schema = { type: 'object', properties: { code: { type: 'string', pattern: '^[a-z!]*$' } } };
    // '' and '!!' match; ' not matching ' is the first candidate that does not.
    expect(bodyNamed(breaksOf(schema, { code: 'abc' }), 'pattern broken at /code')).toEqual({ code: ' not matching ' });
  });

  it('breaks the propertyNames pattern with a member name', () => {
    const schema = { type: 'object', properties: { data: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } } } };
    expect(namesOf(breaksOf(schema, { data: { ok: 1 } }))).toContain(
      'member name breaking the propertyNames pattern at /data',
    );
  });

  it.each(['date-time', 'date', 'email', 'uri', 'uri-reference', 'uuid', 'ipv4', 'ipv6', 'hostname'])(
    'makes an ill-formed %s',
    (format) => {
      const valid: Record<string, string> = {
        'date-time': '2024-01-02T03:04:05Z',
        date: '2024-01-02',
        email: 'a@example.com',
        uri: 'https://example.com/',
        'uri-reference': '/path',
        uuid: '123e4567-e89b-12d3-a456-426614174000',
        ipv4: '127.0.0.1',
        ipv6: '::1',
        hostname: 'example.com',
      };
      const schema = { type: 'object', properties: { value: { type: 'string', format } } };
      expect(namesOf(breaksOf(schema, { value: valid[format]! }))).toContain(`ill-formed ${format} at /value`);
    },
  );

  it('goes just past every bound', () => {
    const schema = {
      type: 'object',
      maxProperties: 5,
      properties: {
        text: { type: 'string', minLength: 2, maxLength: 4 },
        count: { type: 'integer', minimum: 1, maximum: 10, multipleOf: 2 },
        ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
        meta: { type: 'object', minProperties: 1 },
      },
    };
    const breaks = breaksOf(schema, { text: 'abc', count: 4, ratio: 0.5, tags: ['a'], meta: { a: 1 } });
    expect(
      breaks.filter((bodyBreak) => bodyBreak.kind === 'bound').map((bodyBreak) => [bodyBreak.name, bodyBreak.body]),
    ).toEqual([
      ['more members than maxProperties at /', expect.objectContaining({ x_extra_5: 1 })],
      ['shorter than minLength at /text', expect.objectContaining({ text: 'x' })],
      ['longer than maxLength at /text', expect.objectContaining({ text: 'xxxxx' })],
      ['past minimum at /count', expect.objectContaining({ count: 0 })],
      ['past maximum at /count', expect.objectContaining({ count: 11 })],
      ['past multipleOf at /count', expect.objectContaining({ count: 5 })],
      ['past exclusiveMinimum at /ratio', expect.objectContaining({ ratio: 0 })],
      ['past exclusiveMaximum at /ratio', expect.objectContaining({ ratio: 1 })],
      ['fewer items than minItems at /tags', expect.objectContaining({ tags: [] })],
      ['more items than maxItems at /tags', expect.objectContaining({ tags: ['a', 'a', 'a'] })],
      ['fewer members than minProperties at /meta', expect.objectContaining({ meta: {} })],
    ]);
  });

  it('adds an undeclared member where additionalProperties or unevaluatedProperties is false', () => {
    const schema = {
      type: 'object',
      properties: { closed: { type: 'object', additionalProperties: false }, open: { type: 'object' } },
      allOf: [{ properties: { a: { type: 'string' } } }],
      unevaluatedProperties: false,
    };
    expect(
      namesOf(breaksOf(schema, { a: 'x', closed: {}, open: {} })).filter((name) => name.startsWith('undeclared')),
    ).toEqual(['undeclared member /x_undeclared_member', 'undeclared member /closed/x_undeclared_member']);
  });

  describe('JSON carried in a string (contentSchema)', () => {
    // Dito's `event` in small: a member that is JSON carried in a string.
    const carried = { type: 'object', required: ['action'], properties: { action: { type: 'string' } } };
    const event = { type: 'string', contentMediaType: 'application/json', contentSchema: carried };
    const schema = { type: 'object', properties: { event } };
    const body = { event: '{"action":"bought"}' };

    it('mutates inside it, written back as JSON, flagged as seen only where contentSchema is asserted', () => {
      const breaks = breaksOf(schema, body);
      expect(
        breaks.filter((bodyBreak) => bodyBreak.embeddedJson).map((bodyBreak) => [bodyBreak.name, bodyBreak.body]),
      ).toEqual(
        expect.arrayContaining([
          ['missing /event/action (JSON in /event)', { event: '{}' }],
          ['wrong type at /event/action (JSON in /event)', { event: '{"action":12345}' }],
        ]),
      );
      expect(breaks.filter((bodyBreak) => !bodyBreak.embeddedJson).map((bodyBreak) => bodyBreak.name)).toEqual([
        'wrong type at /event',
      ]);
    });

    it('leaves it alone without a validator that asserts contentSchema', () => {
      const validatePlain = plain.compile(schema);
      const breaks = schemaBreaks(body, schema, (candidate) => !validatePlain(candidate));
      expect(breaks.some((bodyBreak) => bodyBreak.embeddedJson)).toBe(false);
    });

    it('keeps such breaks unflagged when the main validator asserts contentSchema itself', () => {
      const validateAsserting = asserting.compile(schema);
      const breaks = schemaBreaks(body, schema, (candidate) => !validateAsserting(candidate), {
        isInvalidAssertingContent: (candidate) => !validateAsserting(candidate),
      });
      expect(namesOf(breaks)).toContain('missing /event/action (JSON in /event)');
      expect(breaks.some((bodyBreak) => bodyBreak.embeddedJson)).toBe(false);
    });
  });

  it('keeps to the limit, every kind taken in turn', () => {
    const schema = {
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string' }, c: { type: 'string' } },
      additionalProperties: false,
    };
    const breaks = breaksOf(schema, { a: 'aa', b: 'b' }, 4);
    expect(breaks.map((bodyBreak) => bodyBreak.kind)).toEqual([
      'missing-field',
      'wrong-type',
      'pattern',
      'additional-property',
    ]);
  });
});
