/**
 * The operations of an OpenAPI 3.1 document, each with the facts every reader of the spec needs,
 * computed here once: its parameters, its effective security and where each credential travels,
 * the server path it lives under, and its request body's media types, limits and credential field.
 */
import { type CredentialLocation, credentialLocationOf } from './credentials.js';
import type { OpenApiDocument } from './document.js';
import type { SpecObject } from './json.js';

/**
 * The body limit where an operation states no `x-max-body-bytes` (1 MiB): a larger body is answered
 * `413` (see specs/README.md "Extensions"). Servers may be configured otherwise; the specs promise this.
 */
export const defaultMaxBodyBytes = 1_048_576;

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** One security scheme an alternative asks for. */
export interface SecurityRequirement {
  /** Its name under `components.securitySchemes`, e.g. `writeKeyHeader`. */
  name: string;
  scheme: SpecObject;
  /** Undefined for schemes trackspec does not model (OAuth 2, OpenID Connect, cookies, other HTTP schemes). */
  location: CredentialLocation | undefined;
}

/** Every requirement of an alternative must be met; an empty alternative admits anonymous requests. */
export type SecurityAlternative = readonly SecurityRequirement[];

/**
 * A body field that carries a signature made with the source's secret, and how it is made:
 * `sha1-hex` is the lowercase hexadecimal SHA-1 of the secret; any other algorithm (Dito's RSA
 * `signature`) is documented but cannot be checked from the spec and a shared secret alone.
 */
export interface BodySignature {
  in: 'body';
  name: string;
  algorithm: string;
}

export interface RequestBodyRef {
  required: boolean;
  /** The media type object of each declared media type, in spec order. */
  content: Record<string, SpecObject>;
  /**
   * The limits the spec states, in bytes (`x-max-body-bytes`, `x-max-event-bytes`) and levels of
   * JSON nesting (`x-max-depth`; `defaultMaxDepth` applies where it is absent); absent where it states none.
   */
  limits: { maxBodyBytes?: number; maxEventBytes?: number; maxDepth?: number };
  /** The body field that carries the credential (`x-body-credential`), if the API sends its key there. */
  credential: { in: 'body'; name: string } | undefined;
  /**
   * Body fields that carry a signature made with the source's secret (`x-body-signatures`, Dito's
   * `signature` and `sha1_signature`): a wrong one is a wrong credential.
   */
  signatures: BodySignature[];
  /**
   * `x-trackspec-json-any-label`: a body whose bytes are JSON is read as `application/json` whatever
   * its `Content-Type` says (SDKs and curl mislabel JSON); a body that is not JSON keeps its label.
   */
  jsonAnyLabel?: boolean;
  /**
   * The body may arrive gzip-compressed: the operation declares a `Content-Encoding` header
   * parameter whose schema admits `gzip`. Where it declares none, only unencoded bodies are accepted.
   */
  gzip: boolean;
}

export interface OperationRef {
  /** `paths` for ordinary operations, `webhooks` for requests the API sends out. */
  source: 'paths' | 'webhooks';
  /** Path template (or webhook name). */
  path: string;
  method: HttpMethod;
  operationId: string;
  operation: SpecObject;
  /** Path-level parameters followed by operation-level ones. */
  parameters: SpecObject[];
  /** The operation's `security`, else the document's: any one alternative suffices; none at all = anonymous. */
  security: SecurityAlternative[];
  /**
   * The path of the operation's own server (the operation's or its path item's `servers`), without
   * a trailing slash (`''` = the server root), which replaces the API's base path; undefined when
   * the operation lives under the API's base path.
   */
  serverPath: string | undefined;
  /** Undefined when the operation takes no body. */
  requestBody: RequestBodyRef | undefined;
}

/** The URL path an API is served under unless a server's configuration moves it: `/<registry name>`. */
export function defaultBasePath(api: string): string {
  return `/${api}`;
}

/**
 * The path an operation is served under: its own server's path (the admin probes': the root), else
 * its API's base path; without a trailing slash, so that it joins the operation's path (which starts
 * with one).
 */
export function mountPathOf(operation: Pick<OperationRef, 'serverPath'>, basePath: string): string {
  return (operation.serverPath ?? basePath).replace(/\/+$/, '');
}

export function listOperations(document: OpenApiDocument): OperationRef[] {
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, SpecObject>;
  const operations: OperationRef[] = [];
  for (const source of ['paths', 'webhooks'] as const) {
    for (const [path, item] of Object.entries(document[source] ?? {})) {
      const pathItem = item as SpecObject;
      for (const method of httpMethods) {
        const operation = pathItem[method] as SpecObject | undefined;
        if (!operation) continue;
        const parameters: SpecObject[] = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])];
        operations.push({
          source,
          path,
          method,
          operationId: String(operation.operationId),
          operation,
          parameters,
          security: ((operation.security ?? document.security ?? []) as SpecObject[]).map((alternative) =>
            Object.keys(alternative).map((name) => requirement(name, schemes[name] ?? {})),
          ),
          serverPath: serverPathOf(operation.servers ?? pathItem.servers),
          requestBody: operation.requestBody ? requestBodyRef(operation.requestBody, parameters) : undefined,
        });
      }
    }
  }
  return operations;
}

/** The operation with this `operationId`; a spec without it is a fault of the caller's assumptions. */
export function getOperation(document: OpenApiDocument, operationId: string): OperationRef {
  const found = listOperations(document).find((operation) => operation.operationId === operationId);
  if (!found) throw new Error(`${document.info.title} has no operation ${operationId}`);
  return found;
}

/**
 * Whether a request without any credential is served: the operation asks for none (no security
 * alternative, or an empty one) and carries no key in its body (`x-body-credential`).
 */
export function admitsAnonymous(operation: OperationRef): boolean {
  if (operation.requestBody?.credential) return false;
  return operation.security.length === 0 || operation.security.some((alternative) => alternative.length === 0);
}

function requirement(name: string, scheme: SpecObject): SecurityRequirement {
  return { name, scheme, location: credentialLocationOf(scheme) };
}

function serverPathOf(servers: SpecObject[] | undefined): string | undefined {
  const url = servers?.[0]?.url;
  return url === undefined ? undefined : new URL(url, 'http://placeholder').pathname.replace(/\/+$/, '');
}

// A bundled (not dereferenced) document may hold a `$ref` here: it reads as a body with no content.
function requestBodyRef(requestBody: SpecObject, parameters: SpecObject[]): RequestBodyRef {
  const credentialField = requestBody['x-body-credential'] as string | undefined;
  return {
    required: requestBody.required === true,
    content: requestBody.content ?? {},
    limits: {
      ...(requestBody['x-max-body-bytes'] !== undefined ? { maxBodyBytes: requestBody['x-max-body-bytes'] } : {}),
      ...(requestBody['x-max-event-bytes'] !== undefined ? { maxEventBytes: requestBody['x-max-event-bytes'] } : {}),
      ...(requestBody['x-max-depth'] !== undefined ? { maxDepth: requestBody['x-max-depth'] } : {}),
    },
    credential: credentialField === undefined ? undefined : { in: 'body', name: credentialField },
    signatures: ((requestBody['x-body-signatures'] ?? []) as SpecObject[]).map(({ field, algorithm }) => ({
      in: 'body',
      name: String(field),
      algorithm: String(algorithm),
    })),
    ...(requestBody['x-trackspec-json-any-label'] === true ? { jsonAnyLabel: true } : {}),
    gzip: parameters.some(
      (parameter) =>
        parameter.in === 'header' &&
        String(parameter.name).toLowerCase() === 'content-encoding' &&
        admitsValue(parameter.schema, 'gzip'),
    ),
  };
}

/** Whether a parameter schema's `enum`, `const` and `pattern` (the keywords the specs use for it) admit a string. */
function admitsValue(schema: SpecObject | undefined, value: string): boolean {
  if (!schema) return true;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if (schema.const !== undefined && schema.const !== value) return false;
  return typeof schema.pattern !== 'string' || new RegExp(schema.pattern, 'u').test(value);
}
