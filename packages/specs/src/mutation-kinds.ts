/** The kinds of schema-breaking request mutation (mutations.ts), shared with the walk that finds them. */

/** What a mutation breaks; one a keyword family, so that reports can count them. */
export type MutationKind =
  | 'missing-field'
  | 'wrong-type'
  | 'bad-enum'
  | 'no-branch'
  | 'conditional-required'
  | 'pattern'
  | 'format'
  | 'bound'
  | 'additional-property';

export const mutationKinds: readonly MutationKind[] = [
  'missing-field',
  'wrong-type',
  'bad-enum',
  'no-branch',
  'conditional-required',
  'pattern',
  'format',
  'bound',
  'additional-property',
];
