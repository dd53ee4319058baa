// How api:diff rates each class of change, on small fixture pairs: the expected rating is written
// first (what a consumer of these APIs needs), then checked against redocly diff plus our rules.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redoclyConfigPath } from '@trackspec/specs/redocly';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Bump, diffDocuments } from '../src/api-diff.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited by path
type Doc = Record<string, any>;
const operation = (doc: Doc) => doc.paths['/things'].post;
const requestSchema = (doc: Doc) => operation(doc).requestBody.content['application/json'].schema;
const responseSchema = (doc: Doc) => operation(doc).responses['200'].content['application/json'].schema;

const cases: Array<{ change: string; expected: Bump; rule?: string; edit: (doc: Doc) => void }> = [
  {
    change: 'a request property made required',
    expected: 'major',
    edit: (doc) => {
      requestSchema(doc).required = ['name'];
    },
  },
  {
    change: 'a query parameter made required',
    expected: 'major',
    edit: (doc) => {
      operation(doc).parameters[0].required = true;
    },
  },
  {
    change: 'an optional response property added',
    expected: 'minor',
    edit: (doc) => {
      responseSchema(doc).properties.note = { type: 'string' };
    },
  },
  {
    change: 'a response property removed',
    expected: 'major',
    edit: (doc) => {
      delete responseSchema(doc).properties.id;
    },
  },
  {
    change: 'an enum widened in a response',
    expected: 'major',
    edit: (doc) => {
      responseSchema(doc).properties.state.enum.push('gone');
    },
  },
  {
    change: 'an enum widened in a request',
    expected: 'minor',
    // redocly diff rates this patch: a new accepted value is a feature clients may use.
    rule: 'trackspec/request-enum-widened',
    edit: (doc) => {
      requestSchema(doc).properties.colour.enum.push('blue');
    },
  },
  {
    change: 'a type narrowed in a request',
    expected: 'major',
    edit: (doc) => {
      requestSchema(doc).properties.size.type = 'string';
    },
  },
  {
    change: 'a path removed',
    expected: 'major',
    edit: (doc) => {
      delete doc.paths['/other'];
    },
  },
  {
    change: 'an operation removed',
    expected: 'major',
    edit: (doc) => {
      doc.paths['/other'].delete = doc.paths['/other'].get;
      doc.paths['/other'].delete.operationId = 'deleteOther';
      delete doc.paths['/other'].get;
    },
  },
  {
    change: 'a security requirement added',
    expected: 'major',
    edit: (doc) => {
      operation(doc).security = [{ key: [] }];
    },
  },
  {
    change: 'a request media type removed',
    expected: 'major',
    edit: (doc) => {
      delete operation(doc).requestBody.content['text/plain'];
    },
  },
  {
    change: 'a response media type removed',
    expected: 'major',
    edit: (doc) => {
      const responses = operation(doc).responses['200'];
      responses.content = { 'application/xml': responses.content['application/json'] };
    },
  },
  {
    change: 'a description edited',
    expected: 'patch',
    edit: (doc) => {
      operation(doc).description = 'Adds one thing.';
    },
  },
];

let work: string;
let base: string;
let baseDoc: Doc;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-rules-'));
  base = new URL('./fixtures/base.yaml', import.meta.url).pathname;
  baseDoc = parse(await readFile(base, 'utf8'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe.concurrent('api:diff ratings (redocly diff with diff-recommended, plus our rules)', () => {
  it.each(cases)('$change is $expected', async ({ change, expected, rule, edit }) => {
    const revisionDoc = structuredClone(baseDoc);
    edit(revisionDoc);
    const revision = join(work, `${change.replaceAll(' ', '-')}.yaml`);
    await writeFile(revision, stringify(revisionDoc));
    const { bump, changes } = await diffDocuments(base, revision, redoclyConfigPath);
    expect(bump).toBe(expected);
    expect(changes.length).toBeGreaterThan(0);
    if (rule) expect(changes.map((found) => found.rule)).toContain(rule);
    for (const found of changes) expect(found.message).not.toBe('');
  });

  it('an unchanged document has no changes', async () => {
    expect(await diffDocuments(base, base, redoclyConfigPath)).toEqual({ bump: 'none', changes: [] });
  });
});
