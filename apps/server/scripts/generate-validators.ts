/**
 * The server's schema checks as Ajv standalone code, in src/generated/validators/ (not committed;
 * `npm run build` writes them): every request check of every registered API's operations, its
 * component schemas (handlers re-validate with some, e.g. m1das `Event`), and the config schema. The
 * server uses a check only for the exact schema it was built from (see `compileCheck` of
 * @trackspec/specs): a spec changed since, or an API added at run time, is compiled at start-up.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiNames, listOperations, loadDereferenced, requestCheckOptions, requestCheckSchemas } from '@trackspec/specs';
import { type CheckToPrecompile, standaloneModules } from '@trackspec/specs/standalone';
import { configCheckOptions, schemaForRegistry } from '../src/config-schema.js';

const output = new URL('../src/generated/validators/', import.meta.url).pathname;

const checks: CheckToPrecompile[] = [{ options: configCheckOptions, schema: schemaForRegistry() }];
for (const api of apiNames) {
  const document = loadDereferenced(api);
  for (const operation of listOperations(document)) checks.push(...requestCheckSchemas(operation));
  for (const schema of Object.values((document.components?.schemas ?? {}) as Record<string, object>))
    checks.push({ options: requestCheckOptions.body, schema });
}

rmSync(output, { recursive: true, force: true });
mkdirSync(output, { recursive: true });
const files = standaloneModules(checks, 'scripts/generate-validators.ts');
for (const [name, code] of Object.entries(files)) writeFileSync(join(output, name), code);
console.log(
  `generated ${Object.keys(files).length} validator modules for ${apiNames.join(', ')} in src/generated/validators/`,
);
