/**
 * The config's JSON Schema as the server checks it: config.schema.json with the registry's API names
 * filled in, and the Ajv options of the check. Apart from config.ts so that
 * scripts/generate-validators.ts can precompile it before any generated module exists.
 */
import { apiNames, defaultMaxBodyBytes } from '@trackspec/specs';
import configSchema from './config.schema.json' with { type: 'json' };

type JsonSchema = Record<string, unknown>;

/** The schema with the registry's API names filled in, so that a new API needs no schema edit. */
export function schemaForRegistry(): JsonSchema {
  const schema = structuredClone(configSchema) as unknown as {
    properties: { basePaths: { propertyNames: JsonSchema }; defaultBodyLimit: JsonSchema };
    $defs: { source: { properties: { api: JsonSchema } } };
  };
  schema.$defs.source.properties.api.enum = [...apiNames];
  schema.properties.basePaths.propertyNames.enum = [...apiNames];
  schema.properties.defaultBodyLimit.default = defaultMaxBodyBytes;
  return schema as unknown as JsonSchema;
}

/** One error at a time (the first), with defaults filled in and the failing schema at hand for the message. */
export const configCheckOptions = { allErrors: false, useDefaults: true, verbose: true } as const;
