/**
 * The release history of the specs (`releases.json`, written by `npm run release`): each release's
 * version and date and, per API, its version then and the classified changes since the release
 * before (what `npm run api:diff` found). The docs' Changes pages are rendered from it.
 */
import { readFileSync } from 'node:fs';

export type ChangeImpact = 'patch' | 'minor' | 'major';

export interface ClassifiedChange {
  impact: ChangeImpact;
  /** The rule that rated it: a `redocly diff` rule, one of ours (`trackspec/…`), or `redocly` when no rule named it. */
  rule: string;
  message: string;
  /** JSON pointer into the document (the base document, for a removal). */
  pointer: string;
}

export interface ApiChanges {
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  bump: 'none' | ChangeImpact;
  /** The API's `info.version` at the release before (absent for a new API). */
  baseVersion?: string;
  /** The API's `info.version` in this release (absent for a removed API). */
  version?: string;
  changes: ClassifiedChange[];
}

export interface ReleaseRecord {
  /** The version of `@trackspec/specs` (and of the types and the client) in this release. */
  version: string;
  /** YYYY-MM-DD (UTC). */
  date: string;
  apis: Record<string, ApiChanges>;
}

export interface ReleaseHistory {
  /** Newest first. */
  releases: ReleaseRecord[];
}

/** The history shipped with this package (an empty one before the first release). */
export function loadReleaseHistory(path: string | URL = new URL('../releases.json', import.meta.url)): ReleaseHistory {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ReleaseHistory;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { releases: [] };
    throw error;
  }
}
