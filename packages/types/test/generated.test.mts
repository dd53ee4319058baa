// The generated modules cover the registry: one module per API, and every operation of every
// spec has its entry in that module's `operations` interface.
import { readFileSync } from 'node:fs';
import { apis, listOperations, loadBundled } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';

const generated = (file: string) => readFileSync(new URL(`../src/generated/${file}`, import.meta.url), 'utf8');

describe.each(apis.map((api) => [api.name]))('%s types', (name) => {
  const source = generated(`${name}.ts`);
  const operations = listOperations(loadBundled(name));

  it('is re-exported from the package index', () => {
    expect(generated('index.ts')).toContain(`from './${name}.js'`);
  });

  it.each(operations.map((operation) => [operation.operationId]))('has operation %s', (operationId) => {
    expect(source).toMatch(new RegExp(`^    ${operationId}: \\{$`, 'm'));
  });
});
