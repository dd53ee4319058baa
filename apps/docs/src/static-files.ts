import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.png': 'image/png',
};

export interface StaticFile {
  path: string;
  size: number;
  contentType: string;
}

/** The file a URL path names below `root` (`/` → `index.html`), or undefined; never outside `root`. */
export async function resolveStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = normalize(join(root, pathname.endsWith('/') || pathname === '' ? `${pathname}index.html` : pathname));
  if (!file.startsWith(root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return { path: file, size: info.size, contentType: contentTypes[extname(file)] ?? 'application/octet-stream' };
}
