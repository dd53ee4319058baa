// Seed parity: every path, parameter, field and auth method that the vendor documents name is in
// the bundled spec. These tables were written by reading the vendor documents (not the specs),
// so a field dropped from a spec fails here even though the spec itself still lints.
import { describe, expect, it } from 'vitest';
import { listOperations, loadDereferenced, type OpenApiDocument, type SpecObject } from '../src/index.js';
import { allowedValues, findField } from './schema-fields.js';

type Operation = `${'GET' | 'POST'} ${string}`;

interface SeedTable {
  operations: Operation[];
  parameters?: { operation: Operation; in: 'path' | 'query' | 'header'; name: string; values?: string[] }[];
  /** Request body fields per operation (dotted paths; `**.` = at any depth), with the media type they travel in. */
  bodyFields?: { operation: Operation; mediaType: string; fields: string[]; values?: Record<string, string[]> }[];
  responseFields?: { operation: Operation; status: string; fields: string[] }[];
  requestMediaTypes?: { operation: Operation; mediaTypes: string[] }[];
  security?: (
    | { type: 'apiKey'; in: 'header' | 'query'; name: string }
    | { type: 'http'; scheme: 'basic' | 'bearer' }
  )[];
  webhookFields?: string[];
}

const segmentEvent = [
  'type',
  'event',
  'userId',
  'anonymousId',
  'groupId',
  'traits',
  'properties',
  'timestamp',
  'sentAt',
  'messageId',
];
const segmentContext = [
  'context.ip',
  'context.userAgent',
  'context.locale',
  'context.page.path',
  'context.page.referrer',
  'context.page.host',
  'context.page.title',
  'context.page.url',
  'context.device',
];
const ttoCommon = ['type', 'api_key', 'msg_id', 'user_id', 'anonymous_id', 'timestamp', 'context'];
const ttoTraits = [
  'email',
  'phone',
  'first_name',
  'last_name',
  'date_date',
  'gender',
  'city',
  'state',
  'zip_post',
  'country',
  'ip',
  'avatar',
  'name',
  'username',
  'title',
  'description',
  'company',
  'website',
  'address',
  'id',
  'age',
  'created_at',
];
const ttoProductItem = [
  'id',
  'name',
  'price',
  'currency',
  'affiliation',
  'coupon',
  'discount',
  'index',
  'category',
  'category2',
  'category3',
  'category4',
  'category5',
  'brand',
  'variant',
  'quantity',
  'list_id',
  'list_name',
  'location_id',
];
const rockstatPaths = ['/{service}/{event_name}/{project_id}', '/{service}/{event_name}', '/{service}'];

const seeds: Record<string, SeedTable> = {
  // 000: m1das CDP HTTP API (Spanish).
  m1das: {
    operations: ['POST /api/s/{event-type}', 'POST /v1/batch'],
    parameters: [
      {
        operation: 'POST /api/s/{event-type}',
        in: 'path',
        name: 'event-type',
        values: ['page', 'track', 'identify', 'group', 'event'],
      },
    ],
    bodyFields: [
      {
        operation: 'POST /api/s/{event-type}',
        mediaType: 'application/json',
        fields: [...segmentEvent, ...segmentContext],
      },
      {
        operation: 'POST /v1/batch',
        mediaType: 'application/json',
        fields: [
          'batch',
          'writeKey',
          'context',
          'context.device.type',
          ...segmentEvent.map((field) => `batch.${field}`),
        ],
      },
    ],
    security: [
      { type: 'apiKey', in: 'header', name: 'X-Write-Key' },
      { type: 'http', scheme: 'basic' },
      { type: 'apiKey', in: 'query', name: 'writekey' },
    ],
  },
  // 001: TTO CDP HTTP API (Traditional Chinese).
  tto: {
    operations: ['POST /v1/track', 'POST /v1/identify', 'POST /v1/alias', 'POST /v1/settings'],
    bodyFields: [
      {
        operation: 'POST /v1/track',
        mediaType: 'application/json',
        fields: [
          ...ttoCommon,
          'event',
          'properties',
          'properties.currency',
          'properties.value',
          'traits',
          ...ttoTraits.map((field) => `traits.${field}`),
          ...ttoProductItem.map((field) => `**.products.${field}`),
        ],
      },
      {
        operation: 'POST /v1/identify',
        mediaType: 'application/json',
        fields: [...ttoCommon, 'traits', ...ttoTraits.map((field) => `traits.${field}`)],
      },
      { operation: 'POST /v1/alias', mediaType: 'application/json', fields: [...ttoCommon, 'previous_id'] },
    ],
    security: [{ type: 'apiKey', in: 'query', name: 'api_key' }],
  },
  // 002: Dito "Trackear usuário" (Portuguese, readme.io export).
  dito: {
    operations: ['POST /users/{id}'],
    parameters: [{ operation: 'POST /users/{id}', in: 'path', name: 'id' }],
    bodyFields: [
      {
        operation: 'POST /users/{id}',
        mediaType: 'application/x-www-form-urlencoded',
        fields: [
          'id_type',
          'signature',
          'sha1_signature',
          'platform_api_key',
          'network_name',
          'encoding',
          'event',
          'event.action',
          'event.created_at',
          'event.revenue',
          'event.data',
        ],
        values: { id_type: ['id'], network_name: ['pt'] },
      },
    ],
  },
  // 003: Hellotext attribution events (Spanish).
  hellotext: {
    operations: ['POST /v1/attribution/events'],
    bodyFields: [
      {
        operation: 'POST /v1/attribution/events',
        mediaType: 'application/json',
        fields: ['action', 'product', 'profile', 'product_id', 'session_id'],
      },
    ],
    responseFields: [{ operation: 'POST /v1/attribution/events', status: '201', fields: ['state'] }],
    security: [{ type: 'http', scheme: 'bearer' }],
  },
  // 004: Rockstat webhook / postback ingestion (Russian).
  rockstat: {
    operations: rockstatPaths.flatMap((path) => [`GET ${path}`, `POST ${path}`] as Operation[]),
    parameters: [
      ...(['GET', 'POST'] as const).flatMap((method) => [
        {
          operation: `${method} /{service}/{event_name}/{project_id}` as Operation,
          in: 'path' as const,
          name: 'service',
        },
        {
          operation: `${method} /{service}/{event_name}/{project_id}` as Operation,
          in: 'path' as const,
          name: 'event_name',
        },
        {
          operation: `${method} /{service}/{event_name}/{project_id}` as Operation,
          in: 'path' as const,
          name: 'project_id',
        },
        { operation: `${method} /{service}/{event_name}` as Operation, in: 'query' as const, name: 'projectId' },
        { operation: `${method} /{service}` as Operation, in: 'query' as const, name: 'name' },
        { operation: `${method} /{service}` as Operation, in: 'query' as const, name: 'projectId' },
      ]),
    ],
    requestMediaTypes: rockstatPaths.map((path) => ({
      operation: `POST ${path}` as Operation,
      mediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
    })),
    responseFields: rockstatPaths.flatMap((path) =>
      (['GET', 'POST'] as const).map((method) => ({
        operation: `${method} ${path}` as Operation,
        status: '200',
        fields: ['key', 'id'],
      })),
    ),
    webhookFields: [
      'key',
      'channel',
      'service',
      'name',
      'projectId',
      'uid',
      'td',
      'td.ip',
      'td.ua',
      'data',
      'id',
      'time',
    ],
  },
};

function operationOf(document: OpenApiDocument, operation: Operation): SpecObject {
  const [method, path] = operation.split(' ') as [string, string];
  const found = listOperations(document).find(
    (candidate) => candidate.source === 'paths' && candidate.path === path && candidate.method === method.toLowerCase(),
  );
  if (!found) throw new Error(`${operation} is not in the spec`);
  return { ...found.operation, parameters: found.parameters };
}

describe.each(Object.entries(seeds))('%s matches its vendor document', (name, seed) => {
  const document = loadDereferenced(name);

  it.each(seed.operations)('has operation %s', (operation) => {
    expect(() => operationOf(document, operation)).not.toThrow();
  });

  it.each(
    (seed.parameters ?? []).map((parameter) => [`${parameter.operation} ${parameter.in} ${parameter.name}`, parameter]),
  )('has parameter %s', (_, parameter) => {
    const declared = (operationOf(document, parameter.operation).parameters as SpecObject[]).find(
      (candidate) => candidate.in === parameter.in && candidate.name === parameter.name,
    );
    expect(declared, `${parameter.in} parameter ${parameter.name}`).toBeDefined();
    if (parameter.values) expect(allowedValues(declared!.schema)).toEqual(expect.arrayContaining(parameter.values));
  });

  it.each(
    (seed.bodyFields ?? []).flatMap((body) =>
      body.fields.map((field) => [`${body.operation} ${field}`, body, field] as const),
    ),
  )('has body field %s', (_, body, field) => {
    const schema = operationOf(document, body.operation).requestBody?.content?.[body.mediaType]?.schema;
    expect(schema, `${body.mediaType} body`).toBeDefined();
    const found = findField(schema, field);
    expect(found.length, field).toBeGreaterThan(0);
    const values = body.values?.[field];
    if (values) expect(found.flatMap(allowedValues)).toEqual(expect.arrayContaining(values));
  });

  it.each(
    (seed.responseFields ?? []).flatMap((response) =>
      response.fields.map((field) => [`${response.operation} ${response.status} ${field}`, response, field] as const),
    ),
  )('has response field %s', (_, response, field) => {
    const schema = operationOf(document, response.operation).responses?.[response.status]?.content?.['application/json']
      ?.schema;
    expect(schema, `${response.status} application/json`).toBeDefined();
    expect(findField(schema, field).length, field).toBeGreaterThan(0);
  });

  it.each((seed.requestMediaTypes ?? []).map((entry) => [entry.operation, entry] as const))(
    '%s accepts the documented media types',
    (_, entry) => {
      expect(Object.keys(operationOf(document, entry.operation).requestBody?.content ?? {})).toEqual(
        expect.arrayContaining(entry.mediaTypes),
      );
    },
  );

  it.each((seed.security ?? []).map((scheme) => [JSON.stringify(scheme), scheme] as const))(
    'declares auth %s',
    (_, scheme) => {
      const schemes = Object.values((document.components?.securitySchemes ?? {}) as Record<string, SpecObject>);
      expect(schemes).toEqual(expect.arrayContaining([expect.objectContaining(scheme)]));
    },
  );

  if (seed.webhookFields)
    it('describes the message delivered to services as a webhook', () => {
      const webhooks = Object.values(document.webhooks ?? {}) as SpecObject[];
      const schemas = webhooks.flatMap((item) =>
        Object.values(item).flatMap((operation: SpecObject) =>
          Object.values((operation.requestBody?.content ?? {}) as Record<string, SpecObject>).map(
            (media) => media.schema,
          ),
        ),
      );
      for (const field of seed.webhookFields ?? []) {
        expect(
          schemas.some((schema) => findField(schema, field).length > 0),
          field,
        ).toBe(true);
      }
    });
});
