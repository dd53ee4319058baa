// A throw-away Verdaccio for the tests (test/verdaccio.ts starts it): `node --import tsx verdaccio-main.ts
// <config.yaml>`. It listens on a port the system picks on 127.0.0.1 and prints one line with its URL.
import type { AddressInfo } from 'node:net';
import { runServer } from 'verdaccio';

const server = await runServer(process.argv[2]!);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`verdaccio-main listening http://127.0.0.1:${port}/\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
