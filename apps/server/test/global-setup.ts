/**
 * The tests import src/, but the store's writer thread runs the compiled dist/storage/sqlite/writer-thread.js
 * (see writer-connection.ts) and the start-up tests run dist/main.js: refuse to run against a missing
 * or stale build (`npm run build`; turbo's test task builds first).
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
  // tsc writes every output on each build, so the oldest of these dates the build.
  let built = Number.POSITIVE_INFINITY;
  for (const file of ['dist/main.js', 'dist/storage/sqlite/writer-thread.js']) {
    try {
      built = Math.min(built, statSync(join(root, file)).mtimeMs);
    } catch {
      throw new Error(`${file} is missing: build the server first (npm run build -w @trackspec/server)`);
    }
  }
  if (newest(join(root, 'src')) > built)
    throw new Error('dist/ is older than src/: rebuild the server (npm run build -w @trackspec/server)');
}
