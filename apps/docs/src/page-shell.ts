/** What the docs' own pages (the index and the Changes pages) share: escaping, inline Markdown, one stylesheet. */

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Markdown code spans and bold as HTML, the rest escaped (for one-line texts from the specs). */
export const inlineMarkdown = (markdown: string) =>
  escapeHtml(markdown)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

const style = `
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2933; background: #f7f8fa; }
    header { background: #243b53; color: #fff; padding: 2rem 3rem; }
    header h1 { margin: 0 0 .4rem; font-size: 1.8rem; }
    header p { margin: 0; opacity: .85; }
    header a { color: #bcccdc; }
    main { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
    ul { list-style: none; padding: 0; display: grid; gap: 1rem; }
    .api, .release, .unreleased { background: #fff; border: 1px solid #d9e2ec; border-radius: .5rem; padding: 1.2rem 1.5rem; margin-bottom: 1rem; }
    .unreleased { border-color: #f0b429; background: #fffbea; }
    .api h2, .release h2, .unreleased h2 { margin: 0 0 .4rem; font-size: 1.25rem; }
    .api a { color: #1d4ed8; text-decoration: none; }
    .api a:hover { text-decoration: underline; }
    .version { font-size: .8rem; color: #627d98; font-weight: normal; }
    .summary { font-weight: 600; margin: .3rem 0; }
    .description { margin: .3rem 0; line-height: 1.45; }
    code { font-family: ui-monospace, monospace; font-size: .9em; background: #eef2f7; padding: 0 .2em; border-radius: .2em; }
    .meta { margin: .5rem 0 0; color: #627d98; font-size: .85rem; }
    .release ul, .unreleased ul { gap: .4rem; margin: .8rem 0 0; }
    .impact { display: inline-block; font-size: .75rem; text-transform: uppercase; padding: 0 .4em; border-radius: .2em; background: #d9e2ec; }
    .impact.major { background: #f8d7da; color: #842029; }
    .impact.minor { background: #fff3cd; color: #664d03; }
    .impact.patch { background: #d1e7dd; color: #0f5132; }
    .rule, .where, .side { color: #627d98; font-size: .8rem; }`;

export function pageShell(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="icon" href="data:,">
  <style>${style}
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}
