/**
 * `@trackspec/client/validators`: the checks of requests and answers against the specs, with the
 * validators compiled at build time (Ajv standalone code, one module per API). `createApiClient`
 * loads this entry with `import()` only when `validate` is set, so a client without it carries none
 * of it; each API's validators are a module of their own, loaded for that API only.
 */
import { RequestContractError, ResponseContractError } from './contract-errors.js';
import { validatorModules } from './generated/validators/index.js';
import type { AnyRequest } from './outgoing-request.js';
import type { GeneratedOperation } from './validation/generated-operation.js';
import { compileRequestCheck } from './validation/request-check.js';
import { checkResponse } from './validation/response-check.js';

export type { GeneratedOperation } from './validation/generated-operation.js';

/** The checks of one API's operations, by `METHOD /path/template` (openapi-fetch's `schemaPath`). */
export interface ContractChecks {
  /** Throws `RequestContractError` when the spec would refuse the request. */
  checkRequest(request: AnyRequest, schemaPath: string, pathParams?: Record<string, unknown>): Promise<void>;
  /** A `ResponseContractError` when the answer breaks the spec, else undefined. */
  checkResponse(
    request: AnyRequest,
    response: Response,
    schemaPath: string,
  ): Promise<ResponseContractError | undefined>;
}

/** The checks over one API's generated tables. */
export function contractChecks(operations: readonly GeneratedOperation[]): ContractChecks {
  const byKey = new Map(
    operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]),
  );
  const requestChecks = new Map<GeneratedOperation, ReturnType<typeof compileRequestCheck>>();
  const operationOf = (method: string, schemaPath: string) => byKey.get(`${method.toUpperCase()} ${schemaPath}`);
  return {
    async checkRequest(request, schemaPath, pathParams = {}) {
      const operation = operationOf(request.method, schemaPath);
      if (!operation) return; // a path the spec does not declare: the typed client does not let one through
      let check = requestChecks.get(operation);
      if (!check) {
        check = compileRequestCheck(operation);
        requestChecks.set(operation, check);
      }
      const verdict = await check(request, pathParams);
      if (!verdict.valid) throw new RequestContractError(operation.operationId, verdict.status, verdict.violations);
    },
    async checkResponse(request, response, schemaPath) {
      const operation = operationOf(request.method, schemaPath);
      if (!operation) return undefined;
      const findings = await checkResponse(operation, response);
      return findings.length ? new ResponseContractError(operation.operationId, response, findings) : undefined;
    },
  };
}

/** The generated validators of a registered API (`apiNames` of `@trackspec/specs`), loaded on demand. */
export async function loadContractChecks(api: string): Promise<ContractChecks> {
  const load = Object.hasOwn(validatorModules, api) ? validatorModules[api] : undefined;
  if (!load)
    throw new TypeError(`No validators for API "${api}"; this build has: ${Object.keys(validatorModules).join(', ')}`);
  return contractChecks((await load()).operations);
}

export {
  type ContractFinding,
  type ContractViolation,
  RequestContractError,
  ResponseContractError,
} from './contract-errors.js';
