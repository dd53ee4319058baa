// The generated run-time facts (`apiFacts`) say what each spec says: every security scheme with
// where its credential goes, every operation with its effective security, its body credential, whether
// it serves anonymous requests, and its body limits.
// The spec is read here directly, not through the derivation the generator uses.
import { apis, listOperations, loadDereferenced, type SpecObject } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { apiFacts } from '../src/index.js';

type Json = SpecObject;

describe.each(apis.map((api) => [api.name]))('%s facts', (name) => {
  const document = loadDereferenced(name) as Json;
  const facts = (apiFacts as Record<string, Json>)[name]!;
  const operations = listOperations(loadDereferenced(name)).filter((operation) => operation.source === 'paths');

  it('are generated for the API', () => {
    expect(facts).toBeDefined();
  });

  it('place every security scheme as the spec declares it', () => {
    const schemes = (document.components?.securitySchemes ?? {}) as Record<string, Json>;
    expect(Object.keys(facts.securitySchemes)).toEqual(Object.keys(schemes));
    for (const [scheme, declared] of Object.entries(schemes)) {
      const placed = facts.securitySchemes[scheme];
      expect(placed.type, scheme).toBe(declared.type);
      if (declared.type === 'apiKey') expect(placed, scheme).toMatchObject({ in: declared.in, name: declared.name });
      if (declared.type === 'http') expect(placed.scheme, scheme).toBe(String(declared.scheme).toLowerCase());
    }
  });

  it('cover exactly the operations of the spec', () => {
    expect(Object.keys(facts.operations).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
  });

  it.each(operations.map((operation) => [operation.operationId, operation]))(
    'have %s with its method, path, effective security and body limits',
    (operationId, { method, path, operation }) => {
      const security = (operation.security ?? document.security ?? []) as Json[];
      const body = (operation.requestBody ?? {}) as Json;
      expect(facts.operations[operationId]).toEqual({
        method,
        path,
        security: security.map((requirement) => Object.keys(requirement)),
        ...('x-body-credential' in body ? { bodyCredential: body['x-body-credential'] } : {}),
        // Served without any credential: no key in the body, and no scheme asked for or an empty alternative.
        anonymous:
          !('x-body-credential' in body) &&
          (security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0)),
        ...('x-max-body-bytes' in body ? { maxBodyBytes: body['x-max-body-bytes'] } : {}),
        ...('x-max-event-bytes' in body ? { maxEventBytes: body['x-max-event-bytes'] } : {}),
        ...('x-max-depth' in body ? { maxDepth: body['x-max-depth'] } : {}),
      });
    },
  );
});
