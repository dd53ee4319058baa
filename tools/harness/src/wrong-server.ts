/**
 * A loopback server that answers every request wrongly on purpose, for tests of what a failing check
 * reports: a 418 with a small JSON body (after reading the request whole), or a reset connection.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WrongAnswer = 'teapot' | 'reset';

export interface WrongServer {
  origin: string;
  /** What every request gets from now on (default 'teapot'). */
  answer: WrongAnswer;
  close(): Promise<void>;
}

export const teapotBody = '{"teapot":"short and stout"}';

export async function startWrongServer(): Promise<WrongServer> {
  const wrong = { answer: 'teapot' as WrongAnswer };
  const server = createServer((request, response) => {
    if (wrong.answer === 'reset') {
      request.socket.resetAndDestroy();
      return;
    }
    request.resume();
    request.on('end', () => response.writeHead(418, { 'content-type': 'application/json' }).end(teapotBody));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(wrong, {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
