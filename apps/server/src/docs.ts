/** The rendered API docs (apps/docs, built by `npm run docs`), as a plugin: register it under its prefix (`/docs`). */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { HttpProblem, sendProblem } from './problems.js';

/** apps/docs ships TypeScript that Node strips on load: loaded with the first page asked for, not at start-up. */
let docsModules: Promise<[typeof import('@trackspec/docs/pages'), typeof import('@trackspec/docs/static-files')]>;
const loadDocs = () =>
  (docsModules ??= Promise.all([import('@trackspec/docs/pages'), import('@trackspec/docs/static-files')]));

export async function docsPlugin(scope: FastifyInstance): Promise<void> {
  scope.get('', async (_request, reply) => reply.redirect(`${scope.prefix}/`, 301));
  scope.get('/*', async (request, reply) => {
    const [{ distDir }, { resolveStaticFile }] = await loadDocs();
    const file = await resolveStaticFile(distDir, `/${(request.params as { '*': string })['*']}`);
    if (!file) return sendProblem(reply, new HttpProblem(404, 'No such page; the docs are built by `npm run docs`.'));
    return reply.type(file.contentType).header('content-length', file.size).send(createReadStream(file.path));
  });
}
