// `npm run compat` end to end, in a temporary clone of this repository with its real changesets config:
// the clone is released as `npm run release` leaves a repository (pending changesets consumed, the
// release trailer on the commit), then one minor edit of the specs (with a minor changeset) must pass
// and one breaking edit must fail, naming the old case it breaks. Each time, today's server runs on the
// clone's edited specs, and the release's own suite and samples are built from the release commit.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseTrailer } from '../src/git.js';

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
const git = (...args: string[]) => run('git', args, { cwd: repo });
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
    env: { ...env, TRACKSPEC_BUNDLED_DIR: bundled, TRACKSPEC_COMPAT_CACHE: join(work, 'built-releases') },
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-compat-test-'));
  repo = join(work, 'repo');
  expect((await run('git', ['clone', '-q', '--no-tags', repoRoot, repo], { cwd: work })).code).toBe(0);
  await git('config', 'user.name', 'Compat Test');
  await git('config', 'user.email', 'compat-test@example.com');
  const { version } = JSON.parse(await readFile(join(repo, 'packages', 'specs', 'package.json'), 'utf8'));
  tag = `v${version}`;
  for (const file of await readdir(join(repo, '.changeset')))
    if (file.endsWith('.md') && file !== 'README.md') await git('rm', '-q', join('.changeset', file));
  const released = await git('commit', '-q', '--allow-empty', '-m', `Release ${tag}\n\n${releaseTrailer}: ${tag}`);
  expect(released.code, released.output).toBe(0);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('compat in a released clone', () => {
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
    expect(output).toMatch(new RegExp(`✓ ${tag}'s code samples against server: [1-9]\\d* passed, 0 failed`));
    expect(output).toContain('compat: passes');
    expect(code, output).toBe(0);
  }, 1_200_000);

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
  }, 1_200_000);
});
