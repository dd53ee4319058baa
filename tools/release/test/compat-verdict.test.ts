// compat's verdict (src/compat/verdict.ts) on made-up runs: which breaks pass, which fail, and what it says.
import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../src/compat/old-suite.js';
import { compatVerdict } from '../src/compat/verdict.js';

const against = "today's server and mocks";
const release = { commit: 'a'.repeat(40), tag: 'v1.0.0', version: '1.0.0', via: 'trailer' as const };
const passing: RunOutcome = {
  what: "v1.0.0's contract suite against server",
  cases: [
    { name: 'hellotext POST /v1/attribution/events: example TrackByProfile → 2xx', passed: true },
    { name: 'hellotext POST /v1/attribution/events: missing /action → 4xx', passed: true },
  ],
};
const breaking: RunOutcome = {
  what: "v1.0.0's contract suite against server",
  cases: [
    ...passing.cases,
    {
      name: 'hellotext POST /v1/attribution/events: example TrackBySession → 2xx',
      passed: false,
      failure: 'expected 422 to be 2xx',
    },
  ],
};

describe('compat verdict', () => {
  it('passes when every old case passes, whatever is declared', () => {
    const verdict = compatVerdict({ release, runs: [passing], declared: 'none', rated: 'none', against });
    expect(verdict.ok).toBe(true);
    expect(verdict.lines).toContain("✓ v1.0.0's contract suite against server: 2 passed, 0 failed");
    expect(verdict.lines.at(-1)).toBe(
      "compat: passes: every consumer of v1.0.0 still works against today's server and mocks.",
    );
  });

  it('fails a break in a release declared minor, naming the case, and says the rules missed it', () => {
    const verdict = compatVerdict({ release, runs: [breaking], declared: 'minor', rated: 'minor', against });
    expect(verdict.ok).toBe(false);
    const text = verdict.lines.join('\n');
    expect(text).toContain('hellotext POST /v1/attribution/events: example TrackBySession → 2xx');
    expect(text).toContain('expected 422 to be 2xx');
    expect(text).toMatch(
      /FAILED: 1 case\(s\) of v1\.0\.0's consumers break, but the pending changesets declare a minor release/,
    );
    expect(text).toContain("api:diff's rules rated it minor: they missed this break.");
  });

  it('fails a break the rules rated major but no changeset declares', () => {
    const verdict = compatVerdict({ release, runs: [breaking], declared: 'none', rated: 'major', against });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join('\n')).not.toContain('missed');
  });

  it('passes a break in a release declared major, still listing it', () => {
    const verdict = compatVerdict({ release, runs: [breaking], declared: 'major', rated: 'major', against });
    expect(verdict.ok).toBe(true);
    expect(verdict.lines.join('\n')).toContain('example TrackBySession → 2xx');
  });

  it('fails a run that could not be made, even in a major release', () => {
    const broken: RunOutcome = { what: "v1.0.0's code samples against server", cases: [], error: 'tsx: not found' };
    const verdict = compatVerdict({ release, runs: [passing, broken], declared: 'major', rated: 'major', against });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join('\n')).toContain('did not run: tsx: not found');
  });

  it('says when a release had no samples, and notes a major rating no consumer felt', () => {
    const none: RunOutcome = { what: "v1.0.0's code samples against server", cases: [] };
    const verdict = compatVerdict({ release, runs: [passing, none], declared: 'major', rated: 'major', against });
    expect(verdict.ok).toBe(true);
    expect(verdict.lines).toContain("- v1.0.0's code samples against server: none (the release has none)");
    expect(verdict.lines.join('\n')).toContain('yet no case of v1.0.0');
  });
});
