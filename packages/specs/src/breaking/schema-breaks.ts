/**
 * Requests that break a schema, made from one that fits it: at every depth (members of members,
 * items of arrays, JSON carried in strings) a required member removed, a value of the wrong type,
 * outside an enum or const, against a pattern or a format, just past a bound; an undeclared member
 * where none is allowed; a value that fits no `oneOf`/`anyOf` branch; a member an `if`/`then` (or
 * `dependentRequired`) asks for removed. Each is kept only when the given validator confirms it is
 * invalid, so every break really breaks the spec. Deterministic, and bounded per body.
 */
import type { JsonObject, SpecObject } from '../json.js';
import { type BreakKind, breakKinds } from './break-kinds.js';
import { type Candidate, CandidateWalk } from './candidates.js';

export interface BodyBreak {
  kind: BreakKind;
  /** With a JSON pointer, e.g. `missing /action`, `pattern broken at /traits/phone`. */
  name: string;
  body: JsonObject;
  /**
   * True when the break is inside JSON carried in a string (`contentSchema`) and only a
   * validator that asserts `contentSchema` rejects it; standard JSON Schema (and Prism) accept it.
   */
  embeddedJson?: boolean;
}

export interface BreakOptions {
  /**
   * True when the candidate breaks the schema with `contentSchema` asserted (`createAjv()`'s
   * default). With it, the JSON that strings carry is broken too, and breaks that only it
   * rejects are kept, marked `embeddedJson`; without it, such JSON is left alone.
   */
  isInvalidAssertingContent?: (candidate: JsonObject) => boolean;
  /** At most this many breaks per body (default 60), taken in turn from each kind. */
  limit?: number;
}

export const defaultBreakLimit = 60;

/**
 * The breaks of `body` (valid for `schema`, a dereferenced schema) that `isInvalid` confirms:
 * at most one per place and keyword, no two alike, every kind represented before any has two.
 */
export function schemaBreaks(
  body: JsonObject,
  schema: SpecObject,
  isInvalid: (candidate: JsonObject) => boolean,
  { isInvalidAssertingContent, limit = defaultBreakLimit }: BreakOptions = {},
): BodyBreak[] {
  const walk = new CandidateWalk(isInvalidAssertingContent !== undefined);
  walk.walk(body, [schema], { path: [], at: '', replaceable: false });

  const breaks: BodyBreak[] = [];
  for (const candidate of takeTurns(materialise(walk.candidates, body))) {
    if (breaks.length >= limit) break;
    const bodyBreak = confirm(candidate, isInvalid, isInvalidAssertingContent);
    if (bodyBreak) breaks.push(bodyBreak);
  }
  return breaks;
}

/** A candidate with its bodies made. */
interface Materialised {
  kind: BreakKind;
  embeddedJson?: boolean;
  alternatives: { name: string; body: JsonObject }[];
}

/** Every candidate's bodies, each body left only to the first candidate (in walk order) that makes it. */
function materialise(candidates: readonly Candidate[], body: JsonObject): Materialised[] {
  const claimed = new Set<string>([JSON.stringify(body)]);
  return candidates.flatMap(({ kind, embeddedJson, alternatives }) => {
    const made = alternatives.flatMap(({ name, edit }) => {
      const broken = edit(structuredClone(body)) as JsonObject;
      const key = JSON.stringify(broken);
      if (claimed.has(key)) return [];
      claimed.add(key);
      return [{ name, body: broken }];
    });
    return made.length ? [{ kind, embeddedJson, alternatives: made }] : [];
  });
}

/** The first alternative the validator rejects (only one asserting `contentSchema`, for embedded JSON). */
function confirm(
  { kind, alternatives, embeddedJson }: Materialised,
  isInvalid: (candidate: JsonObject) => boolean,
  isInvalidAssertingContent: ((candidate: JsonObject) => boolean) | undefined,
): BodyBreak | undefined {
  for (const { name, body } of alternatives) {
    if (isInvalid(body)) return { kind, name, body };
    if (embeddedJson && isInvalidAssertingContent?.(body)) return { kind, name, body, embeddedJson: true };
  }
  return undefined;
}

/** Candidates one kind at a time in turn (each kind in walk order), so that a limit keeps every kind. */
function takeTurns(candidates: readonly Materialised[]): Materialised[] {
  const queues = breakKinds.map((kind) => candidates.filter((candidate) => candidate.kind === kind));
  const ordered: Materialised[] = [];
  for (let turn = 0; ordered.length < candidates.length; turn++)
    for (const queue of queues) if (turn < queue.length) ordered.push(queue[turn]!);
  return ordered;
}
