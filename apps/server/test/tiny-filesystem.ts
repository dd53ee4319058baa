/**
 * A small file system of its own (tmpfs) that a test can fill to the last byte and free again: a disk
 * really full, as a store meets it. Mounting needs Linux and root with CAP_SYS_ADMIN; elsewhere
 * `mountTinyFilesystem` answers undefined and the test says it was skipped.
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TinyFilesystem {
  dir: string;
  /** Writes a filler file until the file system has no byte left. */
  fill(): void;
  /** Removes the filler. */
  free(): void;
  unmount(): Promise<void>;
}

export async function mountTinyFilesystem(
  sizeMb: number,
  owner?: { uid: number; gid: number },
): Promise<TinyFilesystem | undefined> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'trackspec-tiny-fs-'));
  const options = [`size=${sizeMb}m`, ...(owner ? [`uid=${owner.uid}`, `gid=${owner.gid}`, 'mode=0700'] : [])];
  try {
    await run('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', dir]);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        // Short writes end in ENOSPC; then the file system is full.
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    async unmount() {
      // Lazy: a process that still holds a file there (a server being stopped) must not leave it mounted.
      await run('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
