/**
 * The errors of the `validate` option, in a module of their own: only the validators' chunk needs
 * them, so a client without `validate` does not carry them (bundlers split at `import()`).
 */
/**
 * `instanceof` by a registered symbol, not by class identity: the client imports its validators by
 * package name at run time, which may load another copy of this module (ESM beside CommonJS, or a
 * bundled app's copy beside the package's), and an error from one copy must still be an instance of
 * the class a caller imported from the other.
 */
const requestBrand = Symbol.for('@trackspec/client:RequestContractError');
const responseBrand = Symbol.for('@trackspec/client:ResponseContractError');
const branded = (value: unknown, brand: symbol) =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;

/** One way a request breaks its operation's spec: where (`in` and a JSON pointer into it), which keyword, why. */
export interface ContractViolation {
  in: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  keyword: string;
  detail: string;
}

/**
 * A request the spec would refuse, caught by `validate: 'requests'` before anything is sent. The
 * violations are the server's own verdict (415 for an undeclared media type, else 400 with every
 * failing field); `in`, `pointer` and `keyword` are the first one's.
 */
export class RequestContractError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, requestBrand);
  }
  readonly [requestBrand] = true;
  override readonly name = 'RequestContractError';
  readonly in: ContractViolation['in'];
  readonly pointer: string;
  readonly keyword: string;

  constructor(
    /** The operation's `operationId`. */
    readonly operation: string,
    /** The status the API would answer: 400, or 415 for an undeclared media type. */
    readonly status: 400 | 415,
    readonly violations: readonly ContractViolation[],
  ) {
    const first = violations[0]!;
    super(
      `${operation}: ${violations.map((v) => `${v.in} ${v.pointer || '(whole)'} ${v.detail} [${v.keyword}]`).join('; ')}`,
    );
    this.in = first.in;
    this.pointer = first.pointer;
    this.keyword = first.keyword;
  }
}

/** One way an answer departs from its operation's documentation (a JSON pointer into `{ status, headers, body }`). */
export interface ContractFinding {
  pointer: string;
  /** `undocumented`, `required`, `media-type`, or the JSON Schema keyword. */
  rule: string;
  detail: string;
  message: string;
}

/** An answer that breaks the spec, caught by `validate: 'responses'`: thrown, or handed to `onContractBreak`. */
export class ResponseContractError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, responseBrand);
  }
  readonly [responseBrand] = true;
  override readonly name = 'ResponseContractError';
  readonly status: number;

  constructor(
    /** The operation's `operationId`. */
    readonly operation: string,
    readonly response: Response,
    readonly findings: readonly ContractFinding[],
  ) {
    super(`${operation}: ${[...new Set(findings.map((finding) => finding.message))].join('; ')}`);
    this.status = response.status;
  }
}
