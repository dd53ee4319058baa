/**
 * What the docs know of the changes not released yet: `npm run api:diff -- --format json` run as its own
 * process at build time. The docs (an app) may not import the release tooling; its JSON report is a
 * stable, tested interface, and a process boundary keeps the release tool's git and diff dependencies
 * out of the published specs package. A failing api:diff fails the docs build: showing nothing would
 * claim that nothing is pending.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ApiChanges, ClassifiedChange } from '@trackspec/specs';
import { repoRoot } from '@trackspec/specs/redocly';

const execFileAsync = promisify(execFile);

/** One change as api:diff's JSON gives it: where it sits, read from its pointer. */
export interface PendingChange extends ClassifiedChange {
  /** `POST /v1/track`, a bare path (`/v1/b`) for a change to a whole path, or absent outside any operation. */
  operation?: string;
  side: 'request' | 'response' | 'other';
}

export interface PendingApi extends ApiChanges {
  api: string;
  changes: PendingChange[];
}

/** api:diff's JSON report (`tools/release/src/review-formats.ts`, `formatJson`). */
export interface PendingReport {
  /** The last release compared with; null before the first release. */
  base: { ref: string; commit: string; version: string; via: string } | null;
  apis: PendingApi[];
}

/** Runs api:diff against the last release of the repository at `root` (by default this one). */
export async function readPendingChanges(root: string = repoRoot): Promise<PendingReport> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      'npm',
      ['run', '--silent', 'api:diff', '--', '--format', 'json', '--root', root],
      {
        cwd: repoRoot,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', TURBO_TELEMETRY_DISABLED: '1' },
        maxBuffer: 64 * 1024 * 1024,
      },
    ));
  } catch (error) {
    const failed = error as { code?: number; stderr?: string; message: string };
    throw new Error(`docs: npm run api:diff failed (exit ${failed.code}): ${failed.stderr?.trim() || failed.message}`);
  }
  return parsePendingReport(stdout);
}

/** Checks the report's shape, so a changed api:diff output fails the build instead of showing nothing. */
export function parsePendingReport(text: string): PendingReport {
  let report: PendingReport;
  try {
    report = JSON.parse(text) as PendingReport;
  } catch {
    throw new Error(`docs: api:diff --format json gave no JSON: ${text.slice(0, 200)}`);
  }
  const wellFormed =
    report !== null &&
    typeof report === 'object' &&
    (report.base === null || typeof report.base?.ref === 'string') &&
    Array.isArray(report.apis) &&
    report.apis.every((api) => typeof api.api === 'string' && Array.isArray(api.changes));
  if (!wellFormed) throw new Error(`docs: api:diff --format json is not the report expected: ${text.slice(0, 200)}`);
  return report;
}

/** The API's pending changes, or undefined when it has none (or nothing is released yet). */
export function pendingFor(report: PendingReport, apiName: string): PendingApi | undefined {
  if (!report.base) return undefined;
  const api = report.apis.find((candidate) => candidate.api === apiName);
  return api && api.status !== 'unchanged' && api.changes.length > 0 ? api : undefined;
}
