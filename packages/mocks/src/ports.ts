import { createServer } from 'node:net';
import { apiNames } from '@trackspec/specs';

/** The first mock port; each API gets the next one, in registry order (m1das 4010, tto 4011, ...). */
export const firstMockPort = 4010;

/** The fixed, documented port of an API's mock: its position in the registry after `portBase` (4010). */
export function mockPort(apiName: string, portBase = firstMockPort): number {
  const index = apiNames.indexOf(apiName);
  if (index < 0) throw new Error(`Unknown API "${apiName}"; registered: ${apiNames.join(', ')}`);
  return portBase + index;
}

/** A port that is free on `host` right now (the OS picks it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
