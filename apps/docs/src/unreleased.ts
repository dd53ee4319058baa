/**
 * The changes not released yet, as the docs show them: a section opening an API's Changes page, and a
 * banner atop its reference page naming each changed operation (linked to it) with its impact.
 * Both come from api:diff's report (src/pending-changes.ts); an API with nothing pending gets neither.
 */
import { type ChangeImpact, listOperations, type OpenApiDocument } from '@trackspec/specs';
import { escapeHtml, inlineMarkdown } from './page-shell.js';
import { changesFile, operationRoute, pageFile } from './pages.js';
import type { PendingApi, PendingChange } from './pending-changes.js';

const impactRank: Record<ChangeImpact, number> = { patch: 0, minor: 1, major: 2 };
const byImpact = (a: { impact: ChangeImpact }, b: { impact: ChangeImpact }) =>
  impactRank[b.impact] - impactRank[a.impact];

/** An operation with pending changes: how it is named, where the reference page shows it, the largest impact. */
export interface ChangedOperation {
  /** `POST /v1/track`. */
  label: string;
  /** Absent for an operation the working tree no longer has (removed since the release). */
  operationId?: string;
  /** Its route in the reference page (`#/tag/operationid`), when it still exists. */
  route?: string;
  impact: ChangeImpact;
  changes: number;
}

type Operation = ReturnType<typeof listOperations>[number];

/** Where the reference page shows an operation. */
const routeOf = (operation: Operation) =>
  operationRoute(String((operation.operation.tags as string[] | undefined)?.[0] ?? ''), operation.operationId);

/** The current document's operation(s) a change's location names: one for `POST /x`, every one at `/x` for a bare path. */
function operationsNamed(document: OpenApiDocument, name: string) {
  return listOperations(document).filter(
    (operation) =>
      operation.source === 'paths' &&
      (name === operation.path || name === `${operation.method.toUpperCase()} ${operation.path}`),
  );
}

/** Every operation a pending change touches, most affected first; changes outside any operation are left to the Changes page. */
export function changedOperations(pending: PendingApi, document: OpenApiDocument): ChangedOperation[] {
  const found = new Map<string, ChangedOperation>();
  const note = (key: string, entry: Omit<ChangedOperation, 'impact' | 'changes'>, change: PendingChange) => {
    const known = found.get(key);
    if (!known) found.set(key, { ...entry, impact: change.impact, changes: 1 });
    else {
      known.changes += 1;
      if (impactRank[change.impact] > impactRank[known.impact]) known.impact = change.impact;
    }
  };
  for (const change of pending.changes) {
    if (!change.operation) continue;
    const current = operationsNamed(document, change.operation);
    if (current.length === 0) note(change.operation, { label: change.operation }, change);
    for (const operation of current) {
      const label = `${operation.method.toUpperCase()} ${operation.path}`;
      note(label, { label, operationId: operation.operationId, route: routeOf(operation) }, change);
    }
  }
  return [...found.values()].sort((a, b) => byImpact(a, b) || a.label.localeCompare(b.label));
}

const impactBadge = (impact: ChangeImpact) => `<span class="impact ${impact}">${impact}</span>`;

/**
 * The banner atop an API's reference page, as HTML for its `info.description` (Redoc renders HTML
 * there; inline styles, since the page carries only Redoc's own stylesheet). Empty with nothing pending.
 */
export function unreleasedBanner(apiName: string, since: string, operations: readonly ChangedOperation[]): string {
  if (operations.length === 0) return '';
  const colours: Record<ChangeImpact, string> = { major: '#842029', minor: '#664d03', patch: '#0f5132' };
  const items = operations
    .map((operation) => {
      const name = operation.route
        ? `<a href="${escapeHtml(operation.route)}"><code>${escapeHtml(operation.label)}</code></a>`
        : `<code>${escapeHtml(operation.label)}</code> (removed)`;
      const count = `${operation.changes} change${operation.changes === 1 ? '' : 's'}`;
      return `<li class="unreleased-operation" data-operation="${escapeHtml(operation.operationId ?? operation.label)}" data-impact="${operation.impact}">${name}&nbsp;<strong style="color: ${colours[operation.impact]}; text-transform: uppercase">${operation.impact}</strong> · ${count}</li>`;
    })
    .join('');
  return `<div class="unreleased-banner" data-since="${escapeHtml(since)}" style="border: 1px solid #f0b429; background: #fffbea; border-radius: 4px; padding: 8px 16px; margin-bottom: 16px">
<p><strong>Unreleased changes since ${escapeHtml(since)}</strong>: these operations differ from the last release (<a href="${changesFile(apiName)}#unreleased">all changes</a>).</p>
<ul>${items}</ul>
</div>

`;
}

/** The section opening an API's Changes page: each pending change with its impact, what changed and where. Empty with nothing pending. */
export function unreleasedSection(
  apiName: string,
  since: string,
  pending: PendingApi | undefined,
  document: OpenApiDocument,
): string {
  if (!pending) return '';
  const list = [...pending.changes]
    .sort(byImpact)
    .map((change) => {
      const target = change.operation ? operationsNamed(document, change.operation) : [];
      const where = change.operation
        ? target.length === 1
          ? `<a href="${pageFile(apiName)}${escapeHtml(routeOf(target[0]!))}">${escapeHtml(change.operation)}</a>`
          : escapeHtml(change.operation)
        : '';
      return `<li class="change" data-impact="${change.impact}" data-operation="${escapeHtml(change.operation ?? '')}">${impactBadge(change.impact)} ${inlineMarkdown(change.message)} <span class="operation">${where}</span> <span class="side">${change.side}</span> <code class="where">${escapeHtml(change.pointer)}</code> <span class="rule">${escapeHtml(change.rule)}</span></li>`;
    })
    .join('\n        ');
  return `    <section class="unreleased" id="unreleased" data-since="${escapeHtml(since)}">
      <h2>Unreleased (since ${escapeHtml(since)}) ${pending.bump === 'none' ? '' : impactBadge(pending.bump)}</h2>
      <p class="meta">Changed since the last release, not in any release yet${pending.status === 'changed' ? '' : ` (the API is ${escapeHtml(pending.status)})`}: found by <code>npm run api:diff</code> when these docs were built.</p>
      <ul>
        ${list}
      </ul>
    </section>
`;
}
