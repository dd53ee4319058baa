/** The kinds of schema break (schema-breaks.ts), shared with the walk that finds them. */

/** What a break breaks: one keyword family each, so that reports can count them. */
export type BreakKind =
  | 'missing-field'
  | 'wrong-type'
  | 'bad-enum'
  | 'no-branch'
  | 'conditional-required'
  | 'pattern'
  | 'format'
  | 'bound'
  | 'additional-property';

export const breakKinds: readonly BreakKind[] = [
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
