import type { ApiEntry } from '@trackspec/specs';
import { pageFile } from './pages.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * The first paragraph of a Markdown description as HTML, with only code spans and bold rendered
 * (the full description is on the API's own page).
 */
export function firstParagraphHtml(markdown = ''): string {
  return escapeHtml((markdown.split(/\n\s*\n/)[0] ?? '').trim())
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** The docs landing page: every registered API with its summary and description. No external assets. */
export function renderIndex(apis: readonly ApiEntry[]): string {
  const cards = apis
    .map(
      (api) => `    <li class="api" data-api="${escapeHtml(api.name)}">
      <h2><a href="${pageFile(api.name)}">${escapeHtml(api.title)}</a> <span class="version">v${escapeHtml(api.version)}</span></h2>
      ${api.summary ? `<p class="summary">${escapeHtml(api.summary)}</p>` : ''}
      <p class="description">${firstParagraphHtml(api.description)}</p>
      <p class="meta"><code>specs/${escapeHtml(api.name)}/</code></p>
    </li>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>trackspec — API reference</title>
  <link rel="icon" href="data:,">
  <style>
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2933; background: #f7f8fa; }
    header { background: #243b53; color: #fff; padding: 2rem 3rem; }
    header h1 { margin: 0 0 .4rem; font-size: 1.8rem; }
    header p { margin: 0; opacity: .85; }
    main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
    ul { list-style: none; padding: 0; display: grid; gap: 1rem; }
    .api { background: #fff; border: 1px solid #d9e2ec; border-radius: .5rem; padding: 1.2rem 1.5rem; }
    .api h2 { margin: 0 0 .4rem; font-size: 1.25rem; }
    .api a { color: #1d4ed8; text-decoration: none; }
    .api a:hover { text-decoration: underline; }
    .version { font-size: .8rem; color: #627d98; font-weight: normal; }
    .summary { font-weight: 600; margin: .3rem 0; }
    .description { margin: .3rem 0; line-height: 1.45; }
    code { font-family: ui-monospace, monospace; font-size: .9em; background: #eef2f7; padding: 0 .2em; border-radius: .2em; }
    .meta { margin: .5rem 0 0; color: #627d98; font-size: .85rem; }
  </style>
</head>
<body>
  <header>
    <h1>trackspec API reference</h1>
    <p>OpenAPI 3.1 descriptions of ${apis.length} event-ingestion APIs, written from their vendors' documents.</p>
  </header>
  <main>
  <ul>
${cards}
  </ul>
  </main>
</body>
</html>
`;
}
