import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolveStaticFile } from './static-files.js';

/** A minimal static file server for the rendered docs (GET/HEAD only, no directory escapes). */
export function createStaticServer(root: string): Server {
  return createServer(async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await resolveStaticFile(root, new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'content-length': file.size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file.path).pipe(response);
  });
}
