/**
 * `prism proxy` per API in front of a real server: every request is forwarded, and Prism reports
 * what violates the spec, in the request or the response, in the answer's `sl-violations` header
 * (with `errors: true` it answers violations itself instead: 422 for a bad request).
 */
import { type Mocks, type StartMocksOptions, startPrismServers } from '@trackspec/mocks';
import { bundlePath } from '@trackspec/specs';

export interface StartProxiesOptions extends Omit<StartMocksOptions, 'apis'> {
  /** The real server's base URL per API to put a validating proxy in front of. */
  upstreams: Record<string, string>;
  errors?: boolean;
}

export function startProxies({
  upstreams,
  ports = 'ephemeral',
  errors = false,
  ...options
}: StartProxiesOptions): Promise<Mocks> {
  const command = (api: string) => ['proxy', bundlePath(api), upstreams[api]!, ...(errors ? ['--errors'] : [])];
  return startPrismServers(command, { ...options, ports, apis: Object.keys(upstreams) });
}
