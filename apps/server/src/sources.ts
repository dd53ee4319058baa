/**
 * Which source a credential belongs to. Secrets are compared in constant time (over SHA-256
 * digests, so lengths leak nothing either), and every candidate is compared, so timing does not
 * tell which source or how many exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SourceConfig } from './config.js';

const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class Sources {
  readonly #byApi = new Map<string, SourceConfig[]>();

  constructor(sources: readonly SourceConfig[]) {
    for (const source of sources) this.#byApi.set(source.api, [...(this.#byApi.get(source.api) ?? []), source]);
  }

  all(api: string): readonly SourceConfig[] {
    return this.#byApi.get(api) ?? [];
  }

  /** The source of `api` that owns `key`, if any. */
  byKey(api: string, key: string | undefined): SourceConfig | undefined {
    if (!key) return undefined;
    let found: SourceConfig | undefined;
    for (const source of this.all(api)) {
      for (const candidate of source.keys ?? []) if (secretsEqual(candidate, key) && !found) found = source;
    }
    return found;
  }

  /** Rockstat: the source that claims a project id, else the catch-all source (one without projectIds). */
  byProject(api: string, projectId: number): SourceConfig | undefined {
    const sources = this.all(api);
    return sources.find((source) => source.projectIds?.includes(projectId)) ?? sources.find((source) => !source.projectIds);
  }
}
