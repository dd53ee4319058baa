import type { ApiEntry } from '@trackspec/specs';
import { escapeHtml, inlineMarkdown, pageShell } from './page-shell.js';
import { changesFile, pageFile } from './pages.js';

/**
 * The first paragraph of a Markdown description as HTML, with only code spans and bold rendered
 * (the full description is on the API's own page).
 */
export function firstParagraphHtml(markdown = ''): string {
  return inlineMarkdown((markdown.split(/\n\s*\n/)[0] ?? '').trim());
}

/** The docs landing page: every registered API with its version, summary, description and changes. No external assets. */
export function renderIndex(apis: readonly ApiEntry[]): string {
  const cards = apis
    .map(
      (api) => `    <li class="api" data-api="${escapeHtml(api.name)}">
      <h2><a href="${pageFile(api.name)}">${escapeHtml(api.title)}</a> <span class="version">v${escapeHtml(api.version)}</span></h2>
      ${api.summary ? `<p class="summary">${escapeHtml(api.summary)}</p>` : ''}
      <p class="description">${firstParagraphHtml(api.description)}</p>
      <p class="meta"><code>specs/${escapeHtml(api.name)}/</code> · <a class="changes" href="${changesFile(api.name)}">Changes</a></p>
    </li>`,
    )
    .join('\n');
  return pageShell(
    'trackspec — API reference',
    `  <header>
    <h1>trackspec API reference</h1>
    <p>OpenAPI 3.1 descriptions of ${apis.length} event-ingestion APIs, written from their vendors' documents.</p>
  </header>
  <main>
  <ul>
${cards}
  </ul>
  </main>`,
  );
}
