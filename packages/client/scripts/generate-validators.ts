/**
 * Ajv standalone validators for every registered API, written to src/generated/validators/<api>.ts:
 * exactly the schemas the server's request validation compiles (each location's `parametersSchema`,
 * with coercion and defaults, and each body media type's schema), the JSON that body strings carry
 * (`contentSchema`), and the response schemas that `responseFindings` checks. Each file is bundled
 * with esbuild (Ajv's runtime helpers and formats inlined) so that it runs in browsers, as ESM or
 * CommonJS, with no Ajv compiler.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  apiNames,
  createAjv,
  isJsonMediaType,
  listOperations,
  loadDereferenced,
  parametersSchema,
  type SpecObject,
} from '@trackspec/specs';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

// ajv's standalone module is CommonJS; under NodeNext its default export arrives wrapped.
const standaloneCode = standaloneCodeModule as unknown as typeof standaloneCodeModule.default;
const output = new URL('../src/generated/validators/', import.meta.url).pathname;
const nodeModules = dirname(dirname(createRequire(import.meta.url).resolve('ajv/package.json')));

/** The JSON that strings of a body schema carry, reached through `properties` (all the specs use). */
function carriedSchemas(schema: SpecObject, path: string[] = []): { path: string[]; schema: SpecObject }[] {
  const found: { path: string[]; schema: SpecObject }[] = [];
  if (schema.contentSchema && isJsonMediaType(String(schema.contentMediaType ?? 'application/json')))
    found.push({ path, schema: schema.contentSchema });
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, SpecObject>))
    found.push(...carriedSchemas(property, [...path, name]));
  return found;
}

const countContentSchemas = (schema: unknown) => JSON.stringify(schema).split('"contentSchema":').length - 1;

/** One API's validators: two Ajv instances (bodies, and parameters with coercion), named schemas, a table. */
function apiModule(api: string): { bodies: string; parameters: string; table: string } {
  const code = { source: true, esm: true };
  // contentSchema stays an annotation here: the carried JSON gets its own validator (see carriedSchemas).
  const bodyAjv = createAjv({ code }, { assertContentSchema: false });
  const parameterAjv = createAjv({ code, coerceTypes: true, useDefaults: true }, { assertContentSchema: false });
  const names = { body: new Map<string, string>(), parameter: new Map<string, string>() };
  const add = (kind: 'body' | 'parameter', schema: object): string => {
    const key = JSON.stringify(schema);
    let name = names[kind].get(key);
    if (!name) {
      name = `v${names[kind].size}`;
      (kind === 'body' ? bodyAjv : parameterAjv).addSchema(schema, name);
      names[kind].set(key, name);
    }
    // A placeholder the table's JSON turns into a reference to the compiled function.
    return `@@${kind === 'body' ? 'bodies' : 'parameters'}.${name}@@`;
  };
  // Answers and headers are checked as `responseFindings` checks them: carried JSON would need its own step (as bodies have).
  const compiled = (schema: SpecObject | undefined) => {
    if (!schema) return undefined;
    if (countContentSchemas(schema)) throw new Error(`${api}: contentSchema in an answer is not supported`);
    return { $check: add('body', schema), ...(schema.type ? { type: schema.type } : {}) };
  };

  const table = listOperations(loadDereferenced(api))
    .filter((operation) => operation.source === 'paths')
    .map((operation) => {
      const content = (operation.requestBody?.content ?? {}) as Record<string, SpecObject>;
      const requestContent = Object.fromEntries(
        Object.entries(content).map(([mediaType, media]) => {
          const carried = media.schema ? carriedSchemas(media.schema) : [];
          if (media.schema && carried.length !== countContentSchemas(media.schema))
            throw new Error(`${api} ${operation.operationId}: contentSchema is only supported under properties`);
          return [
            mediaType,
            {
              schema: media.schema && { $check: add('body', media.schema) },
              carried: carried.map(({ path, schema }) => ({ path, check: add('body', schema) })),
            },
          ];
        }),
      );
      const responses = Object.fromEntries(
        Object.entries((operation.operation.responses ?? {}) as Record<string, SpecObject>).map(
          ([status, response]) => [
            status,
            {
              headers: Object.fromEntries(
                Object.entries((response.headers ?? {}) as Record<string, SpecObject>).map(([name, header]) => [
                  name,
                  { required: header.required, schema: compiled(header.schema) },
                ]),
              ),
              ...(response.content
                ? {
                    content: Object.fromEntries(
                      Object.entries(response.content as Record<string, SpecObject>).map(([mediaType, media]) => [
                        mediaType,
                        { schema: compiled(media.schema) },
                      ]),
                    ),
                  }
                : {}),
            },
          ],
        ),
      );
      return {
        operationId: operation.operationId,
        method: operation.method,
        path: operation.path,
        parameters: operation.parameters.map(({ name, in: location, required, style, explode, schema }) => ({
          name,
          in: location,
          required,
          style,
          explode,
          schema: schema?.type ? { type: schema.type } : {},
        })),
        parameterChecks: Object.fromEntries(
          (['path', 'query', 'header'] as const).map((location) => [
            location,
            add('parameter', parametersSchema(location, operation.parameters)),
          ]),
        ),
        ...(operation.requestBody
          ? { requestBody: { required: operation.requestBody.required, content: requestContent } }
          : {}),
        responses,
      };
    });
  const refs = (map: Map<string, string>) => Object.fromEntries([...map.values()].map((name) => [name, name]));
  return {
    bodies: standaloneCode(bodyAjv, refs(names.body)),
    parameters: standaloneCode(parameterAjv, refs(names.parameter)),
    table: JSON.stringify(table, null, 1).replace(/"@@(\w+\.\w+)@@"/g, '$1'),
  };
}

async function generate(api: string, work: string): Promise<void> {
  const { bodies, parameters, table } = apiModule(api);
  writeFileSync(join(work, `${api}-bodies.mjs`), bodies);
  writeFileSync(join(work, `${api}-parameters.mjs`), parameters);
  const entry = `import * as bodies from './${api}-bodies.mjs';\nimport * as parameters from './${api}-parameters.mjs';\nexport const table = ${table};\n`;
  const bundled = await build({
    stdin: { contents: entry, resolveDir: work, sourcefile: `${api}-validators.mjs` },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    nodePaths: [nodeModules],
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    // Whitespace and syntax only: names stay readable in a stack trace.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  const code = bundled.outputFiles[0]!.text.replace(
    /export\s*\{\s*table\s*\};?\s*$/,
    'export const operations: readonly GeneratedOperation[] = table;\n',
  );
  if (!code.includes('export const operations')) throw new Error(`${api}: unexpected bundle output`);
  writeFileSync(
    join(output, `${api}.ts`),
    `// @ts-nocheck\n// Generated by scripts/generate-validators.ts from the ${api} spec (Ajv standalone code): do not edit.\n` +
      `import type { GeneratedOperation } from '../../validation/generated-operation.js';\n${code}`,
  );
}

rmSync(output, { recursive: true, force: true });
mkdirSync(output, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'trackspec-validators-'));
try {
  for (const api of apiNames) await generate(api, work);
  // Literal imports (one per API), so that bundlers split each API's validators into a chunk of its own.
  writeFileSync(
    join(output, 'index.ts'),
    `// Generated by scripts/generate-validators.ts: do not edit.\nimport type { GeneratedOperation } from '../../validation/generated-operation.js';\n\n` +
      `export const validatorModules: Record<string, () => Promise<{ operations: readonly GeneratedOperation[] }>> = {\n` +
      apiNames.map((api) => `  ${JSON.stringify(api)}: () => import('./${api}.js'),\n`).join('') +
      '};\n',
  );
  console.log(`generated validators for ${apiNames.join(', ')} in src/generated/validators/`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
