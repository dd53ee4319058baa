import { fileURLToPath } from 'node:url';

/** Where the rendered pages are written and served from. */
export const distDir = fileURLToPath(new URL('../dist', import.meta.url));

/** The file (and URL path below the docs root) of an API's rendered page. */
export function pageFile(apiName: string): string {
  return `${apiName}.html`;
}

/** The file of an API's Changes page (its released versions and their classified changes). */
export function changesFile(apiName: string): string {
  return `${apiName}-changes.html`;
}

/** Redoc 3 routes each operation to `#/<its first tag, slugged>/<operationId, lowercased>` (webhooks too). */
export function operationRoute(tag: string, operationId: string): string {
  return `#/${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/${operationId.toLowerCase()}`;
}
