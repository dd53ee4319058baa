/**
 * Schema checks compiled ahead of time (Ajv standalone code, see standalone.ts) and their run-time
 * fallback. A precompiled check is found by a hash of the Ajv options and the schema's text, so it
 * is only ever used for the very schema it was built from: a spec changed without regenerating, or
 * an API added at run time (`TRACKSPEC_BUNDLED_DIR`), finds none and is compiled here, at run time.
 */
import { createHash } from 'node:crypto';
import { createAjv, type ValidateFunction } from './ajv.js';

/** Ajv options as JSON (no functions): part of a precompiled check's key. */
export type CheckOptions = Readonly<Record<string, string | number | boolean>>;

/** Precompiled checks by `precompiledKey`; what a generated validators module exports. */
export type PrecompiledChecks = Readonly<Record<string, ValidateFunction>>;

/** The key of a schema's check compiled with `options`: the options and the schema's text, hashed. */
export const precompiledKey = (options: CheckOptions, schemaText: string): string =>
  createHash('sha256').update(JSON.stringify(options)).update('\n').update(schemaText).digest('base64url');

/** One lazily created Ajv per option set: a server whose checks are all precompiled never builds one. */
class Compiler {
  readonly compiled = new Map<string, ValidateFunction>();
  readonly #options: CheckOptions;
  #ajv: ReturnType<typeof createAjv> | undefined;
  constructor(options: CheckOptions) {
    this.#options = options;
  }
  compile(schema: object): ValidateFunction {
    this.#ajv ??= createAjv({ ...this.#options });
    return this.#ajv.compile(schema);
  }
}
const compilers = new Map<string, Compiler>();

/**
 * The check of `schema` under `options` (with `createAjv`'s set-up): the precompiled one when there
 * is one for this exact schema, else compiled now. Compiled checks are kept by the schema's text, as
 * Ajv caches by object identity and every reader loads its spec afresh.
 */
export function compileCheck(options: CheckOptions, schema: object, precompiled?: PrecompiledChecks): ValidateFunction {
  const text = JSON.stringify(schema);
  const ahead = precompiled?.[precompiledKey(options, text)];
  if (ahead) return ahead;
  const optionsKey = JSON.stringify(options);
  let compiler = compilers.get(optionsKey);
  if (!compiler) {
    compiler = new Compiler(options);
    compilers.set(optionsKey, compiler);
  }
  let validate = compiler.compiled.get(text);
  if (!validate) {
    validate = compiler.compile(schema);
    compiler.compiled.set(text, validate);
  }
  return validate;
}
