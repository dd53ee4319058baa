// `npm run compat` end to end, in a temporary clone of this repository (its history, its last release,
// its real changesets config): one minor edit of the specs (with a minor changeset) must pass and one
// breaking edit must fail, naming the old case it breaks. Each time, today's server runs on the clone's
// edited specs, and the last release's own suite is the one `npm run compat` built (kept per commit, so
// `test:compat` builds it once). The release's samples runner, which the last release predates, is
// tested on its own (compat-samples.test.ts), on this working tree's samples.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastRelease } from '../src/git.js';

const execFileAsync = promisify(execFile);

interface Outcome {
  code: number;
  output: string;
}

async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : -1, output: stdout + stderr };
  }
}

let work: string;
let repo: string;
let tag: string;
const eventSchema = () => join(repo, 'specs', 'hellotext', 'components', 'schemas', 'AttributionEvent.yaml');

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  expect(text, `${file} has ${from}`).toContain(from);
  await writeFile(file, text.replace(from, to));
}

/** The compat CLI on the clone, against today's server started on the clone's specs as edited. */
async function compat(label: string): Promise<Outcome> {
  const bundled = join(work, `bundled-${label}`);
  const script = (path: string) => ['--import', 'tsx', join(repoRoot, path)];
  const bundling = await run(
    process.execPath,
    [...script('packages/specs/scripts/bundle.ts'), '--config', join(repo, 'redocly.yaml'), '--out', bundled],
    { cwd: join(repoRoot, 'packages', 'specs') },
  );
  expect(bundling.code, bundling.output).toBe(0);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^VITEST/.test(name)));
  return run(process.execPath, [...script('tools/release/src/compat-cli.ts'), '--root', repo, '--target', 'server'], {
    cwd: join(repoRoot, 'tools', 'release'),
    env: { ...env, TRACKSPEC_BUNDLED_DIR: bundled },
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-compat-test-'));
  repo = join(work, 'repo');
  expect((await run('git', ['clone', '-q', '--no-tags', repoRoot, repo], { cwd: work })).code).toBe(0);
  const release = lastRelease(repo);
  expect(release, 'this repository has a release to check against').toBeDefined();
  tag = release!.tag;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('compat in a clone of this repository', () => {
  it('passes a minor edit: a new optional member of a request body, with a minor changeset', async () => {
    await edit(
      eventSchema(),
      '  session_id:\n',
      '  currency:\n    description: ISO 4217 code of an amount the event carries.\n    type: string\n  session_id:\n',
    );
    await writeFile(
      join(repo, '.changeset', 'compat-minor.md'),
      '---\n"@trackspec/specs": minor\n---\n\nhellotext: an optional `currency` on attribution events.\n',
    );
    const { code, output } = await compat('minor');
    expect(output).toContain(`api:diff rates the changes since ${tag}: minor.`);
    expect(output).toMatch(new RegExp(`✓ ${tag}'s contract suite against server: [1-9]\\d* passed, 0 failed`));
    expect(output).toContain('compat: passes');
    expect(code, output).toBe(0);
  }, 900_000);

  it('fails a breaking edit: a member the old examples leave out made required, naming the old case', async () => {
    await edit(eventSchema(), 'required:\n  - action\n', 'required:\n  - action\n  - product\n');
    const { code, output } = await compat('breaking');
    expect(output).toContain(`api:diff rates the changes since ${tag}: major.`);
    // The vendor's by-session example sends `product_id`, not `product`: today's server refuses it.
    expect(output).toMatch(
      new RegExp(
        `✗ ${tag}'s contract suite against server: hellotext POST /v1/attribution/events: .*BySession.* → 2xx`,
        'i',
      ),
    );
    expect(output).toContain('the pending changesets declare a minor release');
    expect(code, output).toBe(1);
  }, 900_000);
});
