import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64,
  chooseAlternative,
  credentialLocationOf,
  credentialNamesOf,
  isVerifiableSignature,
  placeCredential,
  type RequestParts,
  signatureOf,
} from '../src/credentials.js';
import { apis, loadDereferenced } from '../src/index.js';

describe('the credential model', () => {
  it('places each kind of scheme where it travels', () => {
    expect(credentialLocationOf({ type: 'apiKey', in: 'header', name: 'X-Write-Key' })).toEqual({
      in: 'header',
      name: 'X-Write-Key',
    });
    expect(credentialLocationOf({ type: 'apiKey', in: 'cookie', name: 'session' })).toEqual({
      in: 'cookie',
      name: 'session',
    });
    expect(credentialLocationOf({ type: 'http', scheme: 'Basic' })).toEqual({ in: 'authorization', scheme: 'basic' });
    expect(credentialLocationOf({ type: 'oauth2' })).toEqual({ in: 'authorization', scheme: 'bearer' });
    expect(credentialLocationOf({ type: 'mutualTLS' })).toBeUndefined();
    expect(credentialLocationOf({ type: 'http', scheme: 'digest' })).toBeUndefined();
  });

  it('chooses the first alternative the sender can meet, never an empty one over it', () => {
    const security = [[], ['header'], ['basic', 'query'], ['query']];
    expect(chooseAlternative(security)).toEqual(['header']);
    expect(chooseAlternative(security, (name) => name === 'query')).toEqual(['query']);
    expect(chooseAlternative(security, (name) => name !== 'header')).toEqual(['basic', 'query']);
    expect(chooseAlternative([[]])).toBeUndefined();
  });

  it('puts a credential in the request parts: headers, query, cookies added to others, body fields', () => {
    const parts: RequestParts = { headers: { cookie: 'a=1' }, query: {}, body: { event: 'x' } };
    placeCredential(parts, { in: 'header', name: 'X-Write-Key' }, 'k');
    placeCredential(parts, { in: 'query', name: 'writekey' }, 'k');
    placeCredential(parts, { in: 'cookie', name: 'session' }, 's');
    placeCredential(parts, { in: 'body', name: 'api_key' }, 'k');
    placeCredential(parts, { in: 'authorization', scheme: 'basic' }, 'key:');
    expect(parts).toEqual({
      headers: { cookie: 'a=1; session=s', 'X-Write-Key': 'k', authorization: 'Basic a2V5Og==' },
      query: { writekey: 'k' },
      body: { event: 'x', api_key: 'k' },
    });
  });

  it('encodes Basic credentials as UTF-8, in Node and browsers alike', () => {
    expect(base64('clé:')).toBe(Buffer.from('clé:').toString('base64'));
  });

  it('makes the signatures it can check: sha1-hex, the lowercase hex SHA-1 of the secret', async () => {
    expect(await signatureOf('sha1-hex', 'SUA_SECRET_KEY')).toBe(
      createHash('sha1').update('SUA_SECRET_KEY').digest('hex'),
    );
    expect(await signatureOf('rsa', 'SUA_SECRET_KEY')).toBeUndefined();
    expect([isVerifiableSignature('sha1-hex'), isVerifiableSignature('rsa')]).toEqual([true, false]);
  });
});

describe('credentialNamesOf (what logs and recordings leave out)', () => {
  it('covers every credential-carrying header and query parameter the specs declare', () => {
    const names = credentialNamesOf(apis.map(({ name }) => loadDereferenced(name)));
    expect(names.headers.sort()).toEqual(['authorization', 'x-write-key']);
    expect(names.query.sort()).toEqual(['api_key', 'writekey']);
  });
});
