/**
 * `npm run release [-- --root <repo>] [--no-build] [--publish [--registry <url>]]`: see src/release.ts
 * and src/publish.ts.
 *
 * With `--publish`: when changesets are pending, checks the registry first (logged in, none of the
 * versions the release will make already there), releases, then publishes the release's tarballs;
 * with none pending, publishes the release the packages are at (`releases/v<version>/`), e.g. after
 * a plain `npm run release`, or again after a publish that failed.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { plannedReleases } from './changesets.js';
import { checkBeforeRelease, publishRelease } from './publish.js';
import { release } from './release.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    publish: { type: 'boolean', default: false },
    registry: { type: 'string' },
  },
});
const root = resolve(values.root ?? repoRoot);
const registry = values.registry;
try {
  if (registry !== undefined && !values.publish) throw new Error('release: --registry goes with --publish');
  if (registry !== undefined && !URL.canParse(registry)) throw new Error(`release: --registry ${registry}: not a URL`);
  let released: string | undefined;
  if (!values.publish || (await plannedReleases(root)).length > 0) {
    if (values.publish) await checkBeforeRelease(root, registry);
    const { tag, tarballs } = await release({ root, build: !values['no-build'] });
    released = tag;
    console.log(tarballs.map((tarball) => `  ${relative(root, tarball)}`).join('\n'));
    if (!values.publish) {
      console.log('\nPublish: npm run release -- --publish [--registry <url>]');
      console.log(`Push the release: git push origin main ${tag}`);
    }
  } else {
    console.log('No pending changesets: publishing the release the packages are at.');
  }
  if (values.publish) {
    const { tag, published, skipped } = await publishRelease({ root, ...(registry ? { registry } : {}) }).catch(
      (error: Error) => {
        if (!released) throw error;
        throw new Error(
          `${error.message}\n${released} is released (committed and tagged) but not published; once the cause is fixed, publish it with: npm run release -- --publish`,
        );
      },
    );
    const unchanged = skipped.length > 0 ? `, ${skipped.length} unchanged and already there` : '';
    console.log(`Published ${tag}: ${published.length} packages${unchanged}.`);
    console.log(`Push the release: git push origin main ${tag}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
