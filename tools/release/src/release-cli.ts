/** `npm run release [-- --root <repo>] [--no-build]`: see src/release.ts. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { release } from './release.js';

const { values } = parseArgs({
  options: { root: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
});
try {
  const { tag, tarballs } = await release({ root: resolve(values.root ?? repoRoot), build: !values['no-build'] });
  console.log(
    `\nPublish (needs a registry login):\n  for tarball in releases/${tag}/*.tgz; do npm publish "$tarball" --access public; done`,
  );
  console.log(`Push the release: git push origin main ${tag}`);
  console.log(tarballs.map((tarball) => `  ${tarball}`).join('\n'));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
