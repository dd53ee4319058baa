/**
 * Where operations are served: the one rule for an API's default prefix and the one for an operation's
 * mount path. No run-time imports, so config.ts can use it before the app is loaded.
 */
import type { OperationRef } from '@trackspec/specs';

/** The URL prefix of an API that the config's `basePaths` does not move. */
export function defaultBasePath(api: string): string {
  return `/${api}`;
}

/**
 * The path an operation is mounted under: its own server's path (the admin probes': the root), else its
 * API's prefix; without a trailing slash, so that it joins the operation's path (which starts with one).
 */
export function mountPathOf(operation: Pick<OperationRef, 'serverPath'>, prefix: string): string {
  return (operation.serverPath ?? prefix).replace(/\/+$/, '');
}
