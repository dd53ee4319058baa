/**
 * What changed in each API between two registries, and the release it needs: every API bundled
 * (dereferenced, so each change sits under the operation and the request or response it affects),
 * compared with `redocly diff` under the diff rules of the current `redocly.yaml`
 * (`diff-recommended`), then corrected by our own rules where Redocly's rating is wrong for a
 * consumer of these APIs (specs/README.md lists them). An API absent from the base is a minor change,
 * one absent from the revision a major one.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type ApiChanges,
  type BundledRegistry,
  type ChangeImpact,
  type ClassifiedChange,
  createRegistry,
} from '@trackspec/specs';
import { redocly, repoRoot } from '@trackspec/specs/redocly';
import { locate } from './change-location.js';

const execFileAsync = promisify(execFile);

export type Impact = ChangeImpact;
export type Bump = ApiChanges['bump'];
const bumpRank: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function maxBump(...bumps: Bump[]): Bump {
  return bumps.reduce<Bump>((max, bump) => (bumpRank[bump] > bumpRank[max] ? bump : max), 'none');
}

export function exceeds(needed: Bump, declared: Bump): boolean {
  return bumpRank[needed] > bumpRank[declared];
}

export type { ClassifiedChange };

/** One API's changes, as releases.json records them, with the API's name. */
export interface ApiDiff extends ApiChanges {
  api: string;
}

/** One entry of `redocly diff --format json`'s `changes`. */
interface RedoclyChange {
  path: string;
  typeName: string;
  kind: 'added' | 'removed' | 'modified';
  impact: Impact;
  property?: string;
  verdicts: Array<{ ruleId: string; impact: Impact; message: string }>;
  base?: { pointer: string; value: unknown };
  revision?: { pointer: string; value: unknown };
}

/** Bundles a registry (its redocly.yaml) into `outDir` with the specs package's own bundler. */
export async function bundleRegistry(configPath: string, outDir: string): Promise<BundledRegistry> {
  const script = resolve(repoRoot, 'packages/specs/scripts/bundle.ts');
  await execFileAsync(process.execPath, ['--import', 'tsx', script, '--config', configPath, '--out', outDir], {
    cwd: repoRoot,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return createRegistry(outDir);
}

/**
 * Our corrections of Redocly's ratings (each proven by a fixture in test/rules.test.ts):
 * - `trackspec/request-enum-widened`: an enum that accepts more values in a request is a new feature a
 *   client may use (minor); Redocly rates it patch. (Widened in a response, Redocly's major is right:
 *   a client's exhaustive handling of the old values breaks.)
 */
function classify(change: RedoclyChange): ClassifiedChange {
  const pointer = (change.revision ?? change.base)?.pointer ?? change.path;
  const verdict = change.verdicts.find((candidate) => candidate.impact === change.impact) ?? change.verdicts[0];
  const classified: ClassifiedChange = {
    impact: change.impact,
    rule: verdict?.ruleId ?? 'redocly',
    message: verdict?.message ?? `${change.typeName}${change.property ? ` \`${change.property}\`` : ''} ${change.kind}`,
    pointer,
  };
  if (
    change.kind === 'modified' &&
    change.property === 'enum' &&
    locate(change.path).side === 'request' &&
    Array.isArray(change.base?.value) &&
    Array.isArray(change.revision?.value) &&
    exceeds('minor', change.impact)
  ) {
    const before = change.base.value as unknown[];
    const after = change.revision.value as unknown[];
    const added = after.filter((value) => !before.some((old) => JSON.stringify(old) === JSON.stringify(value)));
    const kept = before.every((old) => after.some((value) => JSON.stringify(old) === JSON.stringify(value)));
    if (kept && added.length > 0)
      return {
        impact: 'minor',
        rule: 'trackspec/request-enum-widened',
        message: `A request enum now also accepts ${added.map((value) => JSON.stringify(value)).join(', ')}.`,
        pointer,
      };
  }
  return classified;
}

/** The classified changes from one document to another (files Redocly can read). */
export async function diffDocuments(
  basePath: string,
  revisionPath: string,
  configPath: string,
): Promise<{ bump: Bump; changes: ClassifiedChange[] }> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-diff-'));
  try {
    const report = join(work, 'diff.json');
    const args = ['diff', basePath, revisionPath, '--config', configPath, '--lint-config', 'off'];
    await redocly([...args, '--format', 'json', '--fail-on', 'none', '--output', report]);
    const { changes } = JSON.parse(await readFile(report, 'utf8')) as { changes: RedoclyChange[] };
    const classified = changes.map(classify);
    return { bump: maxBump(...classified.map((change) => change.impact)), changes: classified };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Every API of either registry, compared (current registry order, then removed APIs). */
export async function diffRegistries(
  base: BundledRegistry,
  current: BundledRegistry,
  configPath: string,
): Promise<ApiDiff[]> {
  // Each API's diff is its own Redocly process: run them side by side.
  const diffs: ApiDiff[] = await Promise.all(
    current.apis.map(async (entry): Promise<ApiDiff> => {
      const before = base.apis.find((candidate) => candidate.name === entry.name);
      if (!before)
        return {
          api: entry.name,
          status: 'added',
          bump: 'minor',
          version: entry.version,
          changes: [{ impact: 'minor', rule: 'trackspec/api-added', message: 'New API.', pointer: '#/' }],
        };
      const { bump, changes } = await diffDocuments(
        base.bundlePath(entry.name, 'dereferenced'),
        current.bundlePath(entry.name, 'dereferenced'),
        configPath,
      );
      return {
        api: entry.name,
        status: changes.length > 0 ? 'changed' : 'unchanged',
        bump,
        baseVersion: before.version,
        version: entry.version,
        changes,
      };
    }),
  );
  for (const entry of base.apis.filter((candidate) => !current.apiNames.includes(candidate.name)))
    diffs.push({
      api: entry.name,
      status: 'removed',
      bump: 'major',
      baseVersion: entry.version,
      changes: [{ impact: 'major', rule: 'trackspec/api-removed', message: 'API removed.', pointer: '#/' }],
    });
  return diffs;
}
