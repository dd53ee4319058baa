/**
 * `npm run mocks` from source, ended with this process should the test not get to stop it (the CLI then stops its
 * Prisms): its own process group, so the preload's SIGTERM to that group reaches it.
 */
import { spawn } from 'node:child_process';
import { exitWithParent } from '../src/prism.js';

/** Its stderr goes to this process's unless the caller reads it (`stderr: 'pipe'`). */
export function spawnCli(args: string[], { stderr = 'inherit' }: { stderr?: 'inherit' | 'pipe' } = {}) {
  const cli = spawn(process.execPath, ['--import', exitWithParent, '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (stderr === 'inherit') cli.stderr.pipe(process.stderr);
  return cli;
}
