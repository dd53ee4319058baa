/**
 * Why the PostgreSQL store cannot write, from what failed: the SQLSTATE (the errcodes appendix of
 * PostgreSQL's manual), Node's socket error codes and node-postgres's connection messages. Anything
 * else (a lock or statement timeout, a read-only database…) is a failed write without a reason of its own.
 */

import { reasonAlongCauses, type WriteFailureReason } from '../write-health.js';
import { LEASE_NOT_HELD } from './schema.js';

/** Socket failures on the way to the database. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping). */
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);

/** node-postgres's own words for a connection that broke or never came up. */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|not queryable|Connection refused/i;

export function postgresFailureReason(error: unknown): WriteFailureReason {
  return reasonAlongCauses(error, ({ code, message }) => {
    if (code === LEASE_NOT_HELD) return 'lease-lost';
    // disk_full: "could not extend file …: No space left on device".
    if (code === '53100') return 'disk-full';
    if (typeof code === 'string' && (code.startsWith('08') || SHUTDOWN_CODES.has(code) || SOCKET_CODES.has(code)))
      return 'database-unreachable';
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return 'database-unreachable';
    return undefined;
  });
}
