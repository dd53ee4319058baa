/**
 * `npm run compat`: the last release's consumers, run against today. The release's contract suite
 * and the TypeScript code samples its docs showed (built from that commit, see old-release.ts) run
 * against today's server and today's mocks; the verdict (verdict.ts) holds the breaks they find
 * against the pending changesets and beside what `api:diff` rated.
 */
import { startMocks, startServerProcess } from '@trackspec/harness';
import { mockCredentials } from '@trackspec/mocks';
import { declaredBump, plannedReleases } from '../changesets.js';
import { compareWith } from '../compare.js';
import { lastRelease, type ReleaseRef, resolveRef } from '../git.js';
import { prepareOldRelease } from './old-release.js';
import { runOldSamples } from './old-samples.js';
import { type CompatTarget, type RunOutcome, runOldSuite } from './old-suite.js';
import { type CompatVerdict, compatVerdict } from './verdict.js';

export const compatTargets = ['server', 'mocks'] as const;
export type CompatTargetName = (typeof compatTargets)[number];

export interface CompatOptions {
  /** The repository: its history has the release, its working tree is today. */
  root: string;
  /** Another commit to take as the release (default: the last release, found as api:diff finds it). */
  base?: string;
  targets?: readonly CompatTargetName[];
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface CompatResult {
  release: ReleaseRef;
  runs: RunOutcome[];
  verdict: CompatVerdict;
}

interface StartedTarget {
  target: CompatTarget;
  stop(): Promise<void>;
}

const starters: Record<CompatTargetName, () => Promise<StartedTarget>> = {
  server: async () => {
    const server = await startServerProcess();
    return {
      target: { name: 'server', urls: server.urls, credentials: server.credentials },
      stop: () => server.stop(),
    };
  },
  mocks: async () => {
    const mocks = await startMocks({ ports: 'ephemeral' });
    // `mock: true` for suites that know it (a mock holds no data and checks no credential's value).
    const target = { name: 'prism-mocks', urls: mocks.urls, credentials: mockCredentials(), mock: true };
    return { target, stop: () => mocks.stop() };
  },
};

/** Undefined when there is no release to check against. */
export async function runCompat(options: CompatOptions): Promise<CompatResult | undefined> {
  const { root, targets = compatTargets, log = () => {} } = options;
  const release = options.base ? resolveRef(root, options.base) : lastRelease(root);
  if (!release) return undefined;
  const old = await prepareOldRelease(root, release, { cacheDir: options.cacheDir, log });

  const runs: RunOutcome[] = [];
  for (const name of targets) {
    log(`today's ${name}: starting`);
    const started = await starters[name]();
    try {
      log(`${release.tag}'s contract suite against today's ${name}`);
      runs.push(await runOldSuite(old, started.target));
      // The samples are written for a server that stores what they send; a mock's answers are examples.
      if (name === 'server') {
        log(`${release.tag}'s code samples against today's ${name}`);
        runs.push(await runOldSamples(old, started.target));
      }
    } finally {
      await started.stop();
    }
  }

  const [comparison, planned] = await Promise.all([compareWith(root, release), plannedReleases(root)]);
  const against = `today's ${targets.join(' and ')}`;
  const verdict = compatVerdict({ release, runs, declared: declaredBump(planned), rated: comparison.needed, against });
  return { release, runs, verdict };
}
