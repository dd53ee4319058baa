/** One request of the contract suite and the answer it calls for (derived in cases.ts and edge-cases.ts). */
import type { CredentialLocation, OperationRef } from '@trackspec/specs';
import type { BreakKind } from '@trackspec/specs/breaking';

/** A named example; a body break (`BreakKind`, all 400); or a refusal of another kind. */
export type CaseKind =
  | 'example'
  | BreakKind
  | 'bad-parameter'
  | 'empty-parameter'
  | 'bad-content-coding'
  | 'malformed-body'
  | 'body-on-get'
  | 'too-large'
  | 'oversized-event'
  | 'unknown-resource'
  | 'unsupported-method'
  | 'store-unavailable'
  | 'second-source-credential'
  | 'no-auth'
  | 'wrong-auth'
  | 'wrong-credential'
  | 'unsupported-media-type';

export interface RequestCase {
  operation: OperationRef;
  kind: CaseKind;
  /** Readable description, e.g. `example byProfile` or `missing /action`. */
  name: string;
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Absent for requests without a body. */
  mediaType?: string;
  body?: unknown;
  /** The body's exact bytes, when they must not be encoded from `body` (JSON that does not parse, a body past a limit, gzip). */
  encodedBody?: string | Uint8Array<ArrayBuffer>;
  /** Header parameters to send, by lower-case name. */
  headers?: Record<string, string>;
  /** Another method than the operation's (a method the path does not serve), and the methods `Allow` must name. */
  method?: string;
  allow?: string[];
  /** `store-fault`: sent only while the target's store fault hook makes its store fail (see Target.storeFault). */
  requires?: 'store-fault';
  /**
   * `valid`: the target's credentials where the spec says; `none`; `wrong`: an undocumented scheme;
   * `wrong-value`: a well-formed but wrong value for `credential`, the one credential sent;
   * `second-source`: for `credential`, the key of another source (the target's `secondSourceCredentials`).
   */
  auth: 'valid' | 'none' | 'wrong' | 'wrong-value' | 'second-source';
  /** For `wrong-value`: which credential (scheme name, or body field) carries the wrong value. */
  credential?: { name: string; location: CredentialLocation };
  expect: '2xx' | '4xx' | '5xx';
  /**
   * The exact status the spec calls for, when it documents it for the operation: 400 for a schema
   * break, 401 for a credential, 415 for a media type. Any other answer fails, documented or not.
   */
  status?: number;
  /**
   * A body break inside JSON carried in a string (`contentSchema`, e.g. Dito's `event`): only a
   * target that asserts `contentSchema` refuses it; Prism treats it as an annotation.
   */
  embeddedJson?: boolean;
}
