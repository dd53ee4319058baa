/**
 * The shape of the tables that scripts/generate-validators.ts writes per API
 * (src/generated/validators/<api>.ts): what the checks read of each operation, with every schema
 * replaced by its Ajv standalone validator, so no schema travels to the browser.
 */
import type { SchemaCheck } from '@trackspec/specs/checks';

/** A schema's place in the tables: its compiled check, and its `type` (a header's text is read by it). */
export interface CompiledSchema {
  $check: SchemaCheck;
  type?: string | string[];
}

/** JSON carried in a string of the body (`contentMediaType: application/json`): where, and its own check. */
export interface CarriedJsonCheck {
  /** Property names from the body down to the string; empty when the body itself is the string. */
  path: string[];
  check: SchemaCheck;
}

export interface GeneratedOperation {
  operationId: string;
  method: string;
  /** The path template, as openapi-fetch's `schemaPath`. */
  path: string;
  /** What reading the query and headers needs of the declared parameters. */
  parameters: { name: string; in: string; required?: boolean; style?: string; explode?: boolean; schema?: object }[];
  parameterChecks: { path: SchemaCheck; query: SchemaCheck; header: SchemaCheck };
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: CompiledSchema; carried: CarriedJsonCheck[] }>;
  };
  responses: Record<
    string,
    {
      headers?: Record<string, { required?: boolean; schema?: CompiledSchema }>;
      content?: Record<string, { schema?: CompiledSchema }>;
    }
  >;
}
