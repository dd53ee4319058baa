import type { ApiEntry, ReleaseHistory } from '@trackspec/specs';
import { escapeHtml, inlineMarkdown, pageShell } from './page-shell.js';
import { pageFile } from './pages.js';

/**
 * An API's Changes page: every release that changed it (newest first), with the API's version then,
 * the release's version and date, the bump, and each classified change as `npm run api:diff` found it;
 * opened by `unreleased`, the section of the changes made since the last release (src/unreleased.ts), if any.
 */
export function renderChanges(api: ApiEntry, history: ReleaseHistory, unreleased = ''): string {
  const entries = history.releases.flatMap((release) => {
    const changes = release.apis[api.name];
    return changes && changes.status !== 'unchanged' ? [{ release, changes }] : [];
  });
  const items = entries
    .map(({ release, changes }) => {
      const version = changes.version ?? changes.baseVersion ?? '';
      const list = changes.changes
        .map(
          (change) =>
            `<li class="change" data-impact="${change.impact}"><span class="impact ${change.impact}">${change.impact}</span> ${inlineMarkdown(change.message)} <code class="where">${escapeHtml(change.pointer)}</code> <span class="rule">${escapeHtml(change.rule)}</span></li>`,
        )
        .join('\n        ');
      return `    <section class="release" data-version="${escapeHtml(version)}">
      <h2>v${escapeHtml(version)} <span class="impact ${changes.bump}">${changes.bump}</span></h2>
      <p class="meta">Released ${escapeHtml(release.date)} in trackspec ${escapeHtml(release.version)} · ${escapeHtml(changes.status)}${changes.baseVersion && changes.version !== changes.baseVersion ? ` (was v${escapeHtml(changes.baseVersion)})` : ''}</p>
      <ul>
        ${list}
      </ul>
    </section>`;
    })
    .join('\n');
  const body = `  <header>
    <p><a href="index.html">trackspec API reference</a> › <a href="${pageFile(api.name)}">${escapeHtml(api.title)}</a></p>
    <h1>${escapeHtml(api.title)}: changes</h1>
    <p>Current version <strong class="current-version">v${escapeHtml(api.version)}</strong>. Each release lists the changes since the one before, rated by the bump a consumer needs (major breaks clients).</p>
  </header>
  <main>
${unreleased}${items || '    <p class="none">Not released yet.</p>'}
  </main>`;
  return pageShell(`${api.title} — changes — trackspec`, body);
}
