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
  schemes: (api: string) => string[],
): Target['credentials'] {
  const value = 'contract-test-credential';
  return Object.fromEntries(
    apiNames.map((api) => [
      api,
      {
        writeKey: value,
        apiKey: value,
        secret: value,
        token: value,
        ...Object.fromEntries(schemes(api).map((scheme) => [scheme, value])),
      },
    ]),
  );
}
