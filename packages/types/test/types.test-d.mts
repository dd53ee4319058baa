// Type tests: compiled by vitest's typecheck mode, never run. They prove the generated types are
// precise enough for a typed client: required fields are required, wrong types and unknown
// paths do not compile, and constants from the specs survive as literal types.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiPaths,
  apiFacts,
  type dito,
  type hellotext,
  type m1das,
  type rockstat,
  type tto,
} from '../src/index.js';

type JsonBody<Operation> = Operation extends { requestBody?: { content: { 'application/json': infer Body } } }
  ? Body
  : never;

describe('m1das', () => {
  type IngestEvent = m1das.operations['ingestEvent'];

  it('types the event-type path parameter as the documented enum', () => {
    expectTypeOf<IngestEvent['parameters']['path']['event-type']>().toEqualTypeOf<
      'page' | 'track' | 'identify' | 'group' | 'event'
    >();
  });

  it('accepts the vendor track payload and rejects a wrongly typed field', () => {
    expectTypeOf({
      type: 'track',
      event: 'order_completed',
      userId: 'user_123',
      properties: { order_id: 'ORD-456', total: 99.99 },
    } as const).toExtend<JsonBody<IngestEvent>>();
    // @ts-expect-error userId is a string
    const wrong: JsonBody<IngestEvent> = { userId: 42 };
    void wrong;
  });

  it('requires `event` on a TrackEvent and a batch array on /v1/batch', () => {
    // @ts-expect-error a track event needs `event`
    const track: m1das.components['schemas']['TrackEvent'] = { type: 'track', userId: 'u' };
    void track;
    expectTypeOf<JsonBody<m1das.operations['ingestBatch']>['batch']>().toBeArray();
  });

  it('has no undocumented paths', () => {
    // @ts-expect-error not a path of the m1das spec
    type _Missing = m1das.paths['/api/s/screen'];
  });
});

describe('tto', () => {
  type Track = JsonBody<tto.operations['track']>;

  it('requires api_key and event on track', () => {
    expectTypeOf<Track['api_key']>().toEqualTypeOf<string>();
    expectTypeOf<Track['event']>().toEqualTypeOf<string>();
    // @ts-expect-error api_key is required
    const noKey: Track = { event: 'Purchase' };
    void noKey;
  });

  it('accepts the timestamp in seconds as a number or a digit string', () => {
    expectTypeOf<'1767174918'>().toExtend<NonNullable<Track['timestamp']>>();
    expectTypeOf<1767174918>().toExtend<NonNullable<Track['timestamp']>>();
  });

  it('requires previous_id on alias', () => {
    expectTypeOf<JsonBody<tto.operations['alias']>['previous_id']>().toEqualTypeOf<string>();
  });
});

describe('dito', () => {
  type Form = NonNullable<dito.operations['trackUser']['requestBody']>['content']['application/x-www-form-urlencoded'];

  it('keeps the fixed form values as literal types and `event` as a JSON string', () => {
    expectTypeOf<Form['id_type']>().toEqualTypeOf<'id'>();
    expectTypeOf<Form['network_name']>().toEqualTypeOf<'pt'>();
    expectTypeOf<Form['event']>().toEqualTypeOf<string>();
  });

  it('types the event carried in that string', () => {
    expectTypeOf<dito.components['schemas']['DitoEvent']['action']>().toEqualTypeOf<string>();
  });
});

describe('hellotext', () => {
  type Body = JsonBody<hellotext.operations['trackAttributionEvent']>;

  it('requires action and answers 201 {"state":"ok"}', () => {
    // @ts-expect-error action is required
    const noAction: Body = { profile: 'PROFILE_ID' };
    void noAction;
    expectTypeOf<
      hellotext.operations['trackAttributionEvent']['responses'][201]['content']['application/json']['state']
    >().toEqualTypeOf<'ok'>();
  });
});

describe('rockstat', () => {
  type Receipt = rockstat.components['schemas']['MessageReceipt'];

  it('answers with key and a decimal-string id', () => {
    expectTypeOf<Receipt['key']>().toEqualTypeOf<string>();
    expectTypeOf<Receipt['id']>().toEqualTypeOf<string>();
  });

  it('takes service, event name and project id from the path', () => {
    type Path = rockstat.operations['getServiceEventProject']['parameters']['path'];
    expectTypeOf<keyof Path>().toEqualTypeOf<'service' | 'event_name' | 'project_id'>();
    expectTypeOf<Path['project_id']>().toEqualTypeOf<number>();
  });

  it('describes the message delivered to services as a webhook', () => {
    expectTypeOf<keyof rockstat.webhooks>().toEqualTypeOf<'incomingMessage'>();
  });
});

describe('ApiPaths and apiFacts', () => {
  it("map each registry name to that API's paths", () => {
    expectTypeOf<ApiPaths['hellotext']>().toEqualTypeOf<hellotext.paths>();
    expectTypeOf<ApiPaths['m1das']>().toEqualTypeOf<m1das.paths>();
  });

  it('keep the facts as literal types, so scheme names and limits are checked at compile time', () => {
    expectTypeOf<keyof typeof apiFacts.hellotext.securitySchemes>().toEqualTypeOf<'bearerToken'>();
    expectTypeOf(apiFacts.m1das.securitySchemes.writeKeyHeader.in).toEqualTypeOf<'header'>();
    expectTypeOf(apiFacts.m1das.operations.ingestBatch.maxBodyBytes).toBeNumber();
  });
});
