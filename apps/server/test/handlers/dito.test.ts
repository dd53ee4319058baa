import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDitoDate } from '../../src/handlers/dito.js';
import { createTestApp, sha1, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const event = {
  action: 'nome-do-evento',
  revenue: 10.12,
  created_at: '2015-06-22 19:21:18 -0300',
  data: { cor: 'azul' },
};
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const valid = {
  id_type: 'id',
  platform_api_key: 'SUA_API_KEY',
  sha1_signature: sha1('SUA_SECRET_KEY'),
  encoding: 'base64',
  network_name: 'pt',
  event: JSON.stringify(event),
};
const post = (fields: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/dito/users/ID_DO_SEU_USUARIO',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form(fields),
  });

describe('dito', () => {
  it('accepts the vendor example and stores the parsed event with created_at normalised', async () => {
    const response = await post(valid);
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0]).toMatchObject({
      action: 'nome-do-evento',
      revenue: 10.12,
      created_at: '2015-06-22T22:21:18.000Z',
      data: { cor: 'azul' },
    });
    const [stored] = await t.events();
    expect(stored).toMatchObject({
      api: 'dito',
      source: 'dito-app',
      eventName: 'nome-do-evento',
      userId: 'ID_DO_SEU_USUARIO',
      timestamp: '2015-06-22T22:21:18.000Z',
    });
  });

  it.each([
    ['a signature made with another secret', { ...valid, sha1_signature: sha1('wrong') }, 401],
    [
      'an RSA signature only (not verifiable here)',
      { ...Object.fromEntries(Object.entries(valid).filter(([name]) => name !== 'sha1_signature')), signature: 'abc' },
      401,
    ],
    ['an unknown api key', { ...valid, platform_api_key: 'OTHER' }, 401],
    [
      'an action breaking the naming rule',
      { ...valid, event: JSON.stringify({ ...event, action: 'Meu Evento' }) },
      400,
    ],
    [
      'data keys that are not snake_case',
      { ...valid, event: JSON.stringify({ ...event, data: { minhaPropriedade: 1 } }) },
      400,
    ],
    ['an event that is not JSON', { ...valid, event: '{action:' }, 400],
    ['an event without action', { ...valid, event: JSON.stringify({ revenue: 1 }) }, 400],
  ])('rejects %s', async (_, fields, status) => {
    const response = await post(fields as Record<string, string>);
    expect(response.statusCode).toBe(status);
    expect(response.body).not.toContain('SUA_SECRET_KEY');
    expect(await t.events()).toEqual([]);
  });

  it('names the failing field inside the event JSON by pointer', async () => {
    const response = await post({ ...valid, event: JSON.stringify({ ...event, action: 'Meu Evento' }) });
    expect(response.json().errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/event/action' }));
  });

  it('uses the current time when created_at is absent', async () => {
    await post({ ...valid, event: JSON.stringify({ action: 'comprou' }) });
    expect((await t.events())[0]!.timestamp).toBe('2026-11-23T12:00:00.000Z');
  });
});

describe('parseDitoDate', () => {
  it.each([
    ['2015-06-22 19:21:18 -0300', '2015-06-22T22:21:18.000Z'],
    ['2015-06-22 19:21:18', '2015-06-22T19:21:18.000Z'],
    ['2015-06-22T19:21:18-03:00', '2015-06-22T22:21:18.000Z'],
    ['2015-06-22T19:21:18.250Z', '2015-06-22T19:21:18.250Z'],
    ['2015-06-22', '2015-06-22T00:00:00.000Z'],
    ['22/06/2015', undefined],
  ])('%s → %s', (input, expected) => {
    expect(parseDitoDate(input)).toBe(expected);
  });
});
