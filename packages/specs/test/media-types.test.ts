import { describe, expect, it } from 'vitest';
import { isJsonMediaType, mediaTypeOf } from '../src/index.js';

describe('mediaTypeOf', () => {
  it('names the media type of a Content-Type, without parameters, in lower case', () => {
    expect(mediaTypeOf('Application/JSON; charset=UTF-8')).toBe('application/json');
    expect(mediaTypeOf(' text/plain ')).toBe('text/plain');
  });

  it('names none for a missing or empty header', () => {
    expect(mediaTypeOf(undefined)).toBeUndefined();
    expect(mediaTypeOf(null)).toBeUndefined();
    expect(mediaTypeOf(' ; charset=utf-8')).toBeUndefined();
  });
});

describe('isJsonMediaType', () => {
  it('takes application/json and any +json type, with or without parameters', () => {
    expect(
      ['application/json', 'application/problem+json', 'application/json; charset=utf-8'].map(isJsonMediaType),
    ).toEqual([true, true, true]);
    expect(['text/plain', 'application/jsonl', 'text/json'].map(isJsonMediaType)).toEqual([false, false, false]);
  });
});
