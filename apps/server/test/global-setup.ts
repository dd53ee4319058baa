/**
 * The tests import src/, but the store's writer thread runs the compiled dist/storage/writer-thread.js
 * (see writer-connection.ts): refuse to run against a missing or stale build (`npm run build`;
 * turbo's test task builds first).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default function checkBuild(): void {
  const writer = join(root, 'dist/storage/writer-thread.js');
  let built: number;
  try {
    built = statSync(writer).mtimeMs;
  } catch {
    throw new Error(`${writer} is missing: build the server first (npm run build -w @trackspec/server)`);
  }
  if (newest(join(root, 'src/storage')) > built)
    throw new Error('dist/ is older than src/storage/: rebuild the server (npm run build -w @trackspec/server)');
}
