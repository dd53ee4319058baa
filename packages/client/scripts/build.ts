/**
 * Dual build: ESM (dist/esm) and CommonJS (dist/cjs, marked by its own package.json), each with
 * its declarations, for the `exports` map in package.json.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dist = new URL('../dist/', import.meta.url);

rmSync(dist, { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', new URL(`../${project}`, import.meta.url).pathname], { stdio: 'inherit' });
}
writeFileSync(new URL('cjs/package.json', dist), `${JSON.stringify({ type: 'commonjs' })}\n`);
console.log('built dist/esm and dist/cjs');
