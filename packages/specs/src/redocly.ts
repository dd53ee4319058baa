/**
 * Build-time access to the root `redocly.yaml` (the one registry of APIs) and to the Redocly CLI,
 * for the repository's build scripts (`@trackspec/specs/redocly`). Runtime code reads the
 * published `bundled/registry.json` through the package index instead.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..'); // the same from src/ and dist/
export const redoclyConfigPath = resolve(repoRoot, 'redocly.yaml');

export interface RegisteredApi {
  name: string;
  /** Absolute path of the API's root `openapi.yaml`. */
  root: string;
}

/** The `apis:` entries of the root `redocly.yaml` (or of another registry's config), in file order. */
export function readRegisteredApis(configPath = redoclyConfigPath): RegisteredApi[] {
  const config = parse(readFileSync(configPath, 'utf8')) as { apis?: Record<string, { root?: string }> };
  const entries = Object.entries(config.apis ?? {});
  if (entries.length === 0) throw new Error(`${configPath} registers no APIs`);
  return entries.map(([name, entry]) => {
    if (!entry.root) throw new Error(`API "${name}" in ${configPath} has no root`);
    return { name, root: resolve(dirname(configPath), entry.root) };
  });
}

const execFileAsync = promisify(execFile);

/**
 * Runs the Redocly CLI with telemetry off, from the repository root (so it finds redocly.yaml;
 * pass `--config <file>` for another registry).
 */
export async function redocly(args: string[]): Promise<string> {
  const cliPath = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const { stdout, stderr } = await execFileAsync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}
