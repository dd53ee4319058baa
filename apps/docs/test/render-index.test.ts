import type { ApiEntry } from '@trackspec/specs';
import { describe, expect, it } from 'vitest';
import { firstParagraphHtml, renderIndex } from '../src/render-index.js';

describe('firstParagraphHtml', () => {
  it.each([
    ['keeps only the first paragraph', 'One.\n\nTwo.', 'One.'],
    [
      'renders code spans, keeping underscores',
      'Send `platform_api_key` and `sha1_signature`.',
      'Send <code>platform_api_key</code> and <code>sha1_signature</code>.',
    ],
    ['renders bold', '**Note.** Text', '<strong>Note.</strong> Text'],
    ['escapes HTML', 'a <script> & "b"', 'a &lt;script&gt; &amp; &quot;b&quot;'],
    ['accepts a missing description', undefined, ''],
  ])('%s', (_, markdown, html) => {
    expect(firstParagraphHtml(markdown)).toBe(html);
  });
});

describe('renderIndex', () => {
  const api: ApiEntry = {
    name: 'demo',
    title: 'Demo <API>',
    version: '2.0',
    summary: 'A summary.',
    description: 'First.\n\nSecond.',
    files: {
      bundled: 'demo/openapi.json',
      bundledYaml: 'demo/openapi.yaml',
      dereferenced: 'demo/openapi.dereferenced.json',
    },
  };
  const html = renderIndex([api]);

  it('links each API to its page, with escaped text', () => {
    expect(html).toContain('<a href="demo.html">Demo &lt;API&gt;</a>');
    expect(html).toContain('A summary.');
    expect(html).not.toContain('Second.');
  });

  it('loads nothing from outside the page', () => {
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
