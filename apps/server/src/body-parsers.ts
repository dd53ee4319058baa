/**
 * Request bodies as the specs declare them: an empty one is no body, whatever its type (the TTO
 * guide's settings curl sends `Content-Type: application/json` with nothing); JSON is Fastify's
 * parser; forms become objects of strings; `text/plain` stays text (the router decodes the JSON a
 * spec says it carries); any other type is buffered so that the router answers 415 naming what the
 * operation accepts. gzip bodies (Segment SDKs send them) are decompressed first where the
 * operation declares a `Content-Encoding` header (415 elsewhere), and the body limit applies to the
 * decompressed bytes.
 *
 * Every JSON text a body carries — a JSON body, JSON sent as `text/plain`, JSON in a form field
 * (Dito's `event`), gzip-decoded or not — is measured before it is parsed: deeper than the
 * operation's nesting limit (`x-max-depth`, else `defaultMaxDepth`) is a 400 naming the limit, so
 * nothing accepted can overflow the stack of what later walks or serialises it.
 *
 * Where the spec says `x-trackspec-json-any-label` (m1das ingest: axios labels a compressed Buffer
 * `application/x-www-form-urlencoded`, and so does `curl -d`), a body under another label whose
 * bytes are JSON (an object or array) is read as `application/json`; one that is not keeps its label
 * (and its 415), and one that starts like JSON but is not is the usual 400.
 */
import { createGunzip } from 'node:zlib';
import { defaultMaxDepth, jsonDepth } from '@trackspec/specs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation's JSON nesting limit (`x-max-depth`); `defaultMaxDepth` where the route sets none. */
    maxDepth?: number;
    /** The form fields the operation's spec says carry JSON (`contentMediaType: application/json`). */
    jsonFormFields?: readonly string[];
    /** `x-trackspec-json-any-label`: JSON bytes are read as JSON whatever their label. */
    jsonAnyLabel?: boolean;
    /** The operation declares `Content-Encoding` (gzip); operations that do not take unencoded bodies only. */
    gzip?: boolean;
  }
}

/** Refuses JSON text (at `pointer` in the body) that nests deeper than the route's limit. */
export function checkDepth(request: FastifyRequest, text: string, pointer = ''): void {
  const limit = request.routeOptions.config?.maxDepth ?? defaultMaxDepth;
  if (jsonDepth(text, limit) <= limit) return;
  const where = pointer ? `The JSON in body field ${pointer}` : 'The body';
  throw new HttpProblem(400, `${where} nests deeper than ${limit} levels, the limit (x-max-depth).`, {
    errors: [{ in: 'body', pointer, detail: `nests deeper than ${limit} levels (x-max-depth: ${limit})` }],
  });
}

/** Runs a parser step, handing a thrown problem to `done`. */
function guarded(done: (error: Error | null, value?: unknown) => void, step: () => void): void {
  try {
    step();
  } catch (error) {
    done(error as Error);
  }
}

type TextParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('bodyBytes', undefined);
  app.decorateRequest('bodyMediaType', undefined);
  /** Under a lenient route, JSON bytes become a JSON body; false when the body is not JSON-like. */
  const asJson = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => {
    if (!request.routeOptions.config?.jsonAnyLabel || !/^\s*[[{]/.test(body)) return false;
    request.bodyMediaType = 'application/json';
    checkDepth(request, body);
    parseJson(request, body, done);
    return true;
  };
  // Every text parser records the body's size first (see FastifyRequest.bodyBytes).
  const addTextParser = (type: string, parse: TextParser) =>
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      request.bodyBytes = Buffer.byteLength(body as string);
      parse(request, body as string, done);
    });
  addTextParser('application/json', (request, body, done) =>
    guarded(done, () => {
      if (body.trim() === '') return done(null, undefined);
      checkDepth(request, body);
      parseJson(request, body, done);
    }),
  );
  // The only text bodies the specs declare carry JSON (m1das, as browsers send it without a preflight).
  addTextParser('text/plain', (request, body, done) =>
    guarded(done, () => {
      if (body === '') return done(null, undefined);
      checkDepth(request, body);
      done(null, body);
    }),
  );
  addTextParser('application/x-www-form-urlencoded', (request, body, done) =>
    guarded(done, () => {
      if (body === '') return done(null, undefined);
      if (asJson(request, body, done)) return;
      const fields = Object.fromEntries(new URLSearchParams(body));
      // The fields the spec says carry JSON (Dito's `event`); the others are plain strings.
      for (const name of request.routeOptions.config?.jsonFormFields ?? [])
        if (typeof fields[name] === 'string')
          checkDepth(request, fields[name], `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`);
      done(null, fields);
    }),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) =>
    guarded(done, () => {
      const buffer = body as Buffer;
      if (request.routeOptions.config?.jsonAnyLabel) {
        request.bodyBytes = buffer.length;
        if (asJson(request, buffer.toString('utf8'), done)) return;
      }
      done(null, buffer);
    }),
  );

  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return payload;
    const config = request.routeOptions.config;
    // Routes that are no operation (the 404s) decode as before, so that they answer 404, not 415.
    const acceptsGzip = config?.operationId === undefined || config.gzip === true;
    if (encoding !== 'gzip' || !acceptsGzip)
      throw new HttpProblem(
        415,
        acceptsGzip
          ? `Content-Encoding ${encoding} is not supported; send gzip or identity.`
          : `Content-Encoding ${encoding} is not accepted by this operation (its spec declares no Content-Encoding); send the body uncompressed.`,
        { errors: [{ in: 'header', pointer: '/content-encoding', detail: `${encoding} is not accepted here` }] },
      );
    delete request.headers['content-length'];
    const gunzip = createGunzip();
    payload.on('error', (error) => gunzip.destroy(error));
    return payload.pipe(gunzip);
  });
}
