/**
 * Runs the contract suite once per (mutation, API) against one real server behind the mutating
 * proxy, and judges each run against an unmutated baseline run: a mutation is caught when a case
 * that passed in the baseline fails. A mutation that changed no answer of an API is not applicable
 * to it (the suite cannot be blamed for not noticing nothing).
 */
import { type CaseResult, runSuite, type Target } from '@trackspec/contract-tests';
import { sqliteWriteLock, startServerProcess, startStoreFaultHook } from '@trackspec/harness';
import { apiNames } from '@trackspec/specs';
import type { Mutation } from './catalogue.js';
import { type Change, startMutatingProxy } from './proxy.js';

export type Verdict = 'caught' | 'survived' | 'n/a';

export interface Outcome {
  mutation: string;
  api: string;
  verdict: Verdict;
  /** Answers the mutation changed during the run. */
  changed: number;
  /** Cases that passed in the baseline and failed with the mutation. */
  failingCases: string[];
  /** A few of the changes, for reading a survivor. */
  sampleChanges: Change[];
}

export interface MutationReport {
  apis: readonly string[];
  mutations: readonly Mutation[];
  outcomes: Outcome[];
  /** Cases that failed without any mutation (they cannot catch anything). */
  baselineFailures: CaseResult[];
}

export interface RunOptions {
  apis: readonly string[];
  mutations: readonly Mutation[];
  /** Called after each run, e.g. to print progress. */
  onOutcome?: (outcome: Outcome) => void;
}

const withOrigin = (url: string, origin: string) => {
  const { pathname, search } = new URL(url);
  return `${origin}${pathname === '/' ? '' : pathname}${search}`;
};

export async function runMutations({ apis, mutations, onOutcome }: RunOptions): Promise<MutationReport> {
  // A write meets the injected lock for 250 ms (not the default 2 s) before its 503: many suite runs follow.
  const server = await startServerProcess({ config: { sqlite: { busyTimeoutMs: 250 } } });
  // The suite asks for every 503 while the hook holds the store's write lock (its answers, too, pass the proxy).
  const storeFault = await startStoreFaultHook(sqliteWriteLock(server.database), [server.readyUrl]);
  try {
    const proxy = await startMutatingProxy(server);
    try {
      const target: Target = {
        name: 'server behind the mutating proxy',
        urls: Object.fromEntries(Object.entries(server.urls).map(([api, url]) => [api, withOrigin(url, proxy.origin)])),
        credentials: server.credentials,
        secondSourceCredentials: server.secondSourceCredentials,
        storeFault: storeFault.target,
      };
      // The baseline covers every API in registry order, so the events the admin examples read are stored first.
      proxy.use(undefined);
      const baseline = (await runSuite(target, apiNames)).results;
      const failedInBaseline = new Set(baseline.filter((result) => result.failures.length > 0).map(key));
      const outcomes: Outcome[] = [];
      for (const mutation of mutations)
        for (const api of apis) {
          proxy.use(mutation, [api]);
          const { results } = await runSuite(target, [api]);
          const changes = proxy.changes();
          const failingCases = results
            .filter((result) => result.failures.length > 0 && !failedInBaseline.has(key(result)))
            .map((result) => `${result.name}: ${result.failures[0]}`);
          const outcome: Outcome = {
            mutation: mutation.name,
            api,
            verdict: changes.length === 0 ? 'n/a' : failingCases.length > 0 ? 'caught' : 'survived',
            changed: changes.length,
            failingCases,
            sampleChanges: changes.slice(0, 5),
          };
          outcomes.push(outcome);
          onOutcome?.(outcome);
        }
      return {
        apis,
        mutations,
        outcomes,
        baselineFailures: baseline.filter((result) => apis.includes(result.api) && result.failures.length > 0),
      };
    } finally {
      await proxy.stop();
    }
  } finally {
    await storeFault.stop();
    await server.stop();
  }
}

const key = (result: CaseResult) => `${result.api}\u0000${result.name}`;
