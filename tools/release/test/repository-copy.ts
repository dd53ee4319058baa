// A copy of this repository as a release works on it, in a temporary git repository: the root files,
// the registry (specs/), the changesets config and the publishable packages' sources (packages/*),
// with the files as they are in the working tree (uncommitted changes included, ignored files left
// out). Its node_modules links to this repository's installed third-party packages, and its
// @trackspec/* to the copy's own packages, so it builds as the repository does without an install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from '@trackspec/specs/redocly';
import { workspacePackages } from '../src/release.js';

const copied = (path: string) =>
  !path.includes('/') ||
  path.startsWith('specs/') ||
  path.startsWith('packages/') ||
  path === '.changeset/config.json' ||
  path === '.changeset/README.md';

/** Copies the repository into `dir` (see the top of this file) and makes it a git repository with one commit. */
export async function copyRepository(dir: string, message: string): Promise<void> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter((path) => path !== '' && copied(path));
  for (const path of files)
    await cp(join(repoRoot, path), join(dir, path), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // deleted in the working tree, not yet in the index
    });

  const installed = join(repoRoot, 'node_modules');
  await mkdir(join(dir, 'node_modules', '@trackspec'), { recursive: true });
  for (const entry of await readdir(installed))
    if (!['@trackspec', '.package-lock.json', '.cache'].includes(entry))
      await symlink(join(installed, entry), join(dir, 'node_modules', entry));
  for (const pkg of workspacePackages(dir)) {
    await symlink(pkg.dir, join(dir, 'node_modules', pkg.name), 'dir');
    // A package's own node_modules (what npm could not hoist), as installed.
    const own = join(repoRoot, relative(dir, pkg.dir), 'node_modules');
    if (existsSync(own)) await symlink(own, join(pkg.dir, 'node_modules'), 'dir');
  }

  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Release Test');
  git('config', 'user.email', 'release-test@example.com');
  git('add', '-A');
  execFileSync('git', ['commit', '-q', '-F', '-'], { cwd: dir, input: message });
}
