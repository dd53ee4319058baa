import { readFileSync } from 'node:fs';
import { createAjv, type SpecObject } from '@trackspec/specs';

/**
 * A contract target: where each API is served, and the credentials it accepts. The suite is the
 * same for every target; only this changes.
 */
export interface Target {
  /** A label for reports, e.g. `prism-mocks` or `server`. */
  name: string;
  /** Base URL per API name. */
  urls: Record<string, string>;
  /**
   * Credentials per API, by security scheme name (e.g. `writeKeyHeader`, `bearerToken`) plus the
   * client options the API's typed client needs (`writeKey`, `apiKey`, `secret`, `token`).
   */
  credentials: Record<string, Record<string, string>>;
  /**
   * Whether the target checks credential values (default true). Prism mocks check only that a
   * credential is there, so the wrong-credential cases are left out for them.
   */
  checksCredentialValues?: boolean;
}

/** The cases a target can be held to: the wrong-credential ones only where it checks credential values. */
export function appliesTo(target: Target): (request: { kind: string }) => boolean {
  return (request) => request.kind !== 'wrong-credential' || target.checksCredentialValues !== false;
}

/**
 * The target from the environment: `CONTRACT_TARGET` is a JSON `Target` (or a path-free JSON of
 * `{ "name", "urls", "credentials" }`). Without it the suite starts Prism mocks itself.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target | undefined {
  if (!env.CONTRACT_TARGET) return undefined;
  const target = JSON.parse(env.CONTRACT_TARGET) as Partial<Target>;
  if (!target.urls) throw new Error('CONTRACT_TARGET must hold {"name", "urls", "credentials"}');
  return { name: target.name ?? 'custom', urls: target.urls, credentials: target.credentials ?? {} };
}

/** Any credential is valid for a Prism mock (it checks that credentials are present, not their value). */
export function mockCredentials(
  apiNames: readonly string[],
  schemes: (api: string) => Record<string, SpecObject>,
): Target['credentials'] {
  const value = 'contract-test-credential';
  // HTTP Basic credentials are `user:password`: Prism refuses a value without the colon.
  const valueFor = (scheme: SpecObject) =>
    scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'basic' ? 'contract-test:credential' : value;
  return Object.fromEntries(
    apiNames.map((api) => [
      api,
      {
        writeKey: value,
        apiKey: value,
        secret: value,
        token: value,
        ...Object.fromEntries(Object.entries(schemes(api)).map(([name, scheme]) => [name, valueFor(scheme)])),
      },
    ]),
  );
}

/** A target file checked against its schema (src/target.schema.json) and the registry; one line per problem. */
export class TargetFileError extends Error {}

export function readTargetFile(path: string, registered: readonly string[]): Target {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TargetFileError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TargetFileError(`${path}: not JSON (${(error as Error).message})`);
  }
  const schema = JSON.parse(readFileSync(new URL('./target.schema.json', import.meta.url), 'utf8'));
  const validate = createAjv().compile(schema);
  const problems: string[] = [];
  if (!validate(value))
    for (const error of validate.errors ?? [])
      problems.push(
        `${path}: ${error.instancePath || '/'}: ${error.message}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`,
      );
  const target = value as Partial<Target>;
  for (const api of Object.keys(target?.urls ?? {}))
    if (!registered.includes(api))
      problems.push(`${path}: /urls/${api}: not a registered API (${registered.join(', ')})`);
  for (const api of Object.keys(target?.credentials ?? {}))
    if (!registered.includes(api))
      problems.push(`${path}: /credentials/${api}: not a registered API (${registered.join(', ')})`);
  if (problems.length > 0) throw new TargetFileError(problems.join('\n'));
  return {
    name: target.name ?? 'target',
    urls: target.urls!,
    credentials: target.credentials ?? {},
    ...(target.checksCredentialValues === false ? { checksCredentialValues: false } : {}),
  };
}
