/**
 * CORS for the APIs whose spec says browsers call them (`x-trackspec-cors`): any origin, the
 * methods and headers the spec uses, preflights answered. Registered inside the API's own
 * encapsulated plugin, so it applies to that API's routes (and 404s under its prefix) only.
 */
import { credentialNamesOf, listOperations, type OpenApiDocument } from '@trackspec/specs';
import type { FastifyInstance } from 'fastify';
import { notFound, sendProblem } from '../problems.js';

export function registerCors(scope: FastifyInstance, document: OpenApiDocument): void {
  if (document['x-trackspec-cors'] !== true) return;
  const allowHeaders = requestHeaders(document).join(', ');
  scope.addHook('onRequest', async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      reply.code(204).headers({
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': allowHeaders,
        'access-control-max-age': '86400',
      });
      return reply.send();
    }
  });
  scope.options('/*', async (_request, reply) => reply.code(204).send());
  // The server root keeps the app's own 404 handler (a prefix can have one only).
  if (scope.prefix) scope.setNotFoundHandler((request, reply) => sendProblem(reply, notFound(request)));
}

/** The request headers an API's operations read: content type, credential headers and header parameters. */
function requestHeaders(document: OpenApiDocument): string[] {
  const names = new Set(['Content-Type', ...credentialNamesOf([document]).headers]);
  for (const operation of listOperations(document)) {
    for (const parameter of operation.parameters) if (parameter.in === 'header') names.add(String(parameter.name));
  }
  return [...names];
}
