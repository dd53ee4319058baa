/**
 * Type transforms of generated `paths` for clients that fill some request-body fields themselves
 * (credentials set once at client creation): those fields become optional for the caller.
 */
type MakeOptional<Body, Keys extends PropertyKey> = Body extends object
  ? { [P in keyof Body as P extends Keys ? never : P]: Body[P] } & {
      [P in keyof Body as P extends Keys ? P : never]?: Body[P];
    }
  : Body;

type Override<Body, Replacements> = Body extends object
  ? { [P in keyof Body as P extends keyof Replacements ? never : P]: Body[P] } & Replacements
  : Body;

type TransformBody<RequestBody, Keys extends PropertyKey, Replacements> = RequestBody extends { content: infer Content }
  ? Omit<RequestBody, 'content'> & {
      content: { [Media in keyof Content]: Override<MakeOptional<Content[Media], Keys>, Replacements> };
    }
  : RequestBody;

type TransformOperation<Operation, Keys extends PropertyKey, Replacements> = [Operation] extends [never]
  ? Operation
  : Operation extends { requestBody?: unknown }
    ? undefined extends Operation['requestBody']
      ? Omit<Operation, 'requestBody'> & {
          requestBody?: TransformBody<NonNullable<Operation['requestBody']>, Keys, Replacements>;
        }
      : Omit<Operation, 'requestBody'> & { requestBody: TransformBody<Operation['requestBody'], Keys, Replacements> }
    : Operation;

/** `paths` with `Keys` optional in every request body, and `Replacements` replacing field types. */
export type WithClientFilledBody<Paths, Keys extends PropertyKey, Replacements = Record<never, never>> = {
  [Path in keyof Paths]: { [Method in keyof Paths[Path]]: TransformOperation<Paths[Path][Method], Keys, Replacements> };
};
