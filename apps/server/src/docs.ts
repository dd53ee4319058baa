/** The rendered API docs (apps/docs, built by `npm run docs`) under `/docs/`. */
import { createReadStream } from 'node:fs';
import { distDir } from '@trackspec/docs/pages';
import { resolveStaticFile } from '@trackspec/docs/static-files';
import type { FastifyInstance } from 'fastify';
import { problem, problemContentType } from './problems.js';

export async function registerDocs(app: FastifyInstance, prefix: string): Promise<void> {
  app.get(prefix, async (_request, reply) => reply.redirect(`${prefix}/`, 301));
  app.get(`${prefix}/*`, async (request, reply) => {
    const file = await resolveStaticFile(distDir, `/${(request.params as { '*': string })['*']}`);
    if (!file) {
      return reply
        .code(404)
        .type(problemContentType)
        .send(JSON.stringify(problem(404, 'No such page; the docs are built by `npm run docs`.')));
    }
    return reply.type(file.contentType).header('content-length', file.size).send(createReadStream(file.path));
  });
}
