/**
 * Why the SQLite store cannot write, from SQLite's result code (better-sqlite3's `code`, carried across
 * the writer thread by writer-connection.ts). Anything else, a held lock (SQLITE_BUSY) included, is a
 * failed write without a reason of its own.
 */
import { reasonAlongCauses, type WriteFailureReason } from '../write-health.js';

export function sqliteFailureReason(error: unknown): WriteFailureReason {
  return reasonAlongCauses(error, ({ code }) => {
    if (typeof code !== 'string') return undefined;
    // "database or disk is full": the file system is out of space (or the file at its size limit).
    if (code === 'SQLITE_FULL') return 'disk-full';
    // Extended codes too (SQLITE_CANTOPEN_ISDIR…): the file or its folder is gone or unreachable.
    if (code.startsWith('SQLITE_CANTOPEN')) return 'database-unreachable';
    return undefined;
  });
}
