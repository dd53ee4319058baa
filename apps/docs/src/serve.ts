/** `npm start` (for now): serves the rendered docs on http://localhost:$PORT/ (default 8080). */
import { apis } from '@trackspec/specs';
import { distDir, pageFile } from './pages.js';
import { createStaticServer } from './static-server.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const server = createStaticServer(distDir).listen(port, host, () => {
  const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  console.log(`trackspec docs: ${base}/`);
  for (const api of apis) console.log(`  ${api.name.padEnd(10)} ${base}/${pageFile(api.name)}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
