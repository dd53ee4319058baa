import { readFileSync } from 'node:fs';
import { createAjv } from '@trackspec/specs';

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
  /**
   * A mock (Prism): it checks requests against the spec but holds no data, checks no credential
   * value, enforces no `x-max-*` limit and treats `contentSchema` as an annotation, so the cases
   * that need those are left out (the mocks' documented responses are asked for with `Prefer`).
   */
  mock?: boolean;
  /**
   * Per API, kinds of case (see `CaseKind`) this target cannot carry, each with the reason: e.g. a
   * validating proxy in front of the server that answers some requests itself. They are left out,
   * and the coverage says why.
   */
  cannotCarry?: Record<string, Record<string, string>>;
  /**
   * Per API, credentials of another source (by scheme name or body field, as in `credentials`)
   * that this API must refuse: e.g. a key the server holds for a source of another API.
   */
  secondSourceCredentials?: Record<string, Record<string, string>>;
  /**
   * A hook that makes the target's event store fail and recover: the suite POSTs to `begin`, sends
   * every operation that documents a 503 and expects it, then POSTs to `end` (which must answer
   * only once the target serves again). `blocksReads: false` when the fault leaves reads working
   * (a write lock on SQLite): operations marked `x-store-access: read` are then not asked.
   */
  storeFault?: { begin: string; end: string; blocksReads?: boolean };
}

/** What a Prism mock cannot answer as the spec calls for, and why. */
export const mockCannotCarry: Record<string, string> = {
  'too-large': 'a mock enforces no x-max-body-bytes',
  'unknown-resource': 'a mock holds no data',
  'body-on-get': 'a mock ignores the body of a GET',
  'malformed-body': 'Prism answers JSON that does not parse itself, with its own application/json error',
  'unsupported-method': 'Prism answers 405 without Allow',
  'empty-parameter': 'Prism takes an empty query value as an absent parameter',
  'bad-content-coding': 'a mock does not decode content codings',
  'embedded-json': 'Prism treats contentSchema as an annotation',
  'form-additional-property': 'Prism does not apply additionalProperties: false to form bodies',
};

/** Why a target cannot carry a case, if it cannot. */
export function cannotCarryReason(
  target: Target,
  api: string,
  request: { kind: string; embeddedJson?: boolean; mediaType?: string },
): string | undefined {
  const reasons = { ...(target.mock ? mockCannotCarry : {}), ...target.cannotCarry?.[api] };
  if (request.embeddedJson && reasons['embedded-json']) return reasons['embedded-json'];
  if (
    request.kind === 'additional-property' &&
    request.mediaType === 'application/x-www-form-urlencoded' &&
    reasons['form-additional-property']
  )
    return reasons['form-additional-property'];
  return reasons[request.kind];
}

/** The parts of a case `appliesTo` looks at. */
interface Applicable {
  kind: string;
  status?: number;
  embeddedJson?: boolean;
  mediaType?: string;
  requires?: string;
  credential?: { name: string };
  operation: { operation: Record<string, unknown> };
}

/**
 * Why a target cannot be held to a case, if it cannot: wrong credentials where it checks no
 * credential value, another source's key where it names none, store faults without the hook (or,
 * for reads, with a hook that leaves reads working), and the kinds it says it cannot carry.
 */
export function whyLeftOut(target: Target, api: string, request: Applicable): string | undefined {
  const carry = cannotCarryReason(target, api, request);
  if (carry) return carry;
  const checksValues = target.checksCredentialValues !== false && target.mock !== true;
  if ((request.kind === 'wrong-credential' || request.kind === 'second-source-credential') && !checksValues)
    return 'the target checks no credential value';
  if (
    request.kind === 'second-source-credential' &&
    target.secondSourceCredentials?.[api]?.[request.credential?.name ?? ''] === undefined
  )
    return "the target names no other source's key (secondSourceCredentials)";
  if (request.requires === 'store-fault') {
    if (!target.storeFault) return 'the target has no store fault hook (storeFault)';
    if (target.storeFault.blocksReads === false && request.operation.operation['x-store-access'] === 'read')
      return "the target's store fault leaves reads working (x-store-access: read)";
  }
  return undefined;
}

export function appliesTo(target: Target, api: string): (request: Applicable) => boolean {
  return (request) => whyLeftOut(target, api, request) === undefined;
}

/**
 * The target from the environment: `CONTRACT_TARGET` is a JSON `Target` (or a path-free JSON of
 * `{ "name", "urls", "credentials" }`). Without it the suite starts Prism mocks itself.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): Target | undefined {
  if (!env.CONTRACT_TARGET) return undefined;
  const target = JSON.parse(env.CONTRACT_TARGET) as Partial<Target>;
  if (!target.urls) throw new Error('CONTRACT_TARGET must hold {"name", "urls", "credentials"}');
  return { ...target, name: target.name ?? 'custom', urls: target.urls, credentials: target.credentials ?? {} };
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
  for (const api of [
    ...Object.keys(target?.credentials ?? {}),
    ...Object.keys(target?.secondSourceCredentials ?? {}),
    ...Object.keys(target?.cannotCarry ?? {}),
  ])
    if (!registered.includes(api))
      problems.push(`${path}: /credentials/${api}: not a registered API (${registered.join(', ')})`);
  if (problems.length > 0) throw new TargetFileError(problems.join('\n'));
  return {
    name: target.name ?? 'target',
    urls: target.urls!,
    credentials: target.credentials ?? {},
    ...(target.checksCredentialValues === false ? { checksCredentialValues: false } : {}),
    ...(target.mock ? { mock: true } : {}),
    ...(target.cannotCarry ? { cannotCarry: target.cannotCarry } : {}),
    ...(target.secondSourceCredentials ? { secondSourceCredentials: target.secondSourceCredentials } : {}),
    ...(target.storeFault ? { storeFault: target.storeFault } : {}),
  };
}
