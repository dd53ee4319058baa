/**
 * The API registry as published with the bundles (`bundled/registry.json`), written by
 * `scripts/bundle.ts` from the root `redocly.yaml`. Runtime code reads APIs from here only.
 */
export interface ApiEntry {
  /** Registry name, also the folder under `specs/` (e.g. `m1das`). */
  name: string;
  title: string;
  version: string;
  summary?: string;
  description?: string;
  /** Bundle files, relative to the package's `bundled/` folder. */
  files: {
    /** Bundled JSON: one document, internal `$ref`s to `#/components` kept. */
    bundled: string;
    /** The same bundle as YAML. */
    bundledYaml: string;
    /** Fully dereferenced JSON: no `$ref` left. */
    dereferenced: string;
  };
}

export interface Registry {
  apis: ApiEntry[];
}
