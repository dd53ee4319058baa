/**
 * Request bodies as the specs declare them: an empty one is no body, whatever its type (the TTO
 * guide's settings curl sends `Content-Type: application/json` with nothing); JSON is Fastify's
 * parser; forms become objects of strings; `text/plain` stays text (the router decodes the JSON a
 * spec says it carries); any other type is buffered so that the router answers 415 naming what the
 * operation accepts. gzip bodies (Segment SDKs send them) are decompressed first, and the body
 * limit applies to the decompressed bytes.
 */
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problems.js';

type TextParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('bodyBytes', undefined);
  // Every text parser records the body's size first (see FastifyRequest.bodyBytes).
  const addTextParser = (type: string, parse: TextParser) =>
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      request.bodyBytes = Buffer.byteLength(body as string);
      parse(request, body as string, done);
    });
  addTextParser('application/json', (request, body, done) =>
    body.trim() === '' ? done(null, undefined) : parseJson(request, body, done),
  );
  addTextParser('text/plain', (_request, body, done) => done(null, body === '' ? undefined : body));
  addTextParser('application/x-www-form-urlencoded', (_request, body, done) =>
    done(null, body === '' ? undefined : Object.fromEntries(new URLSearchParams(body))),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    if (encoding !== 'gzip')
      throw new HttpProblem(415, `Content-Encoding ${encoding} is not supported; send gzip or identity.`);
    delete request.headers['content-length'];
    const gunzip = createGunzip();
    payload.on('error', (error) => gunzip.destroy(error));
    return payload.pipe(gunzip);
  });
}
