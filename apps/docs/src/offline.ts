/**
 * Redoc's standalone page (`build-docs --inlineBundle`) inlines its scripts but still loads its
 * "API docs by Redocly" logo from Redocly's CDN at run time. The docs must work with no network,
 * so those URLs are replaced by inline SVG stand-ins. The browser test fails on any request that
 * leaves the machine, so a new remote asset in a future Redoc shows up there.
 */
const logo = (width: number) =>
  `data:image/svg+xml;base64,${Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16">` +
      `<text x="0" y="12" font-family="sans-serif" font-size="12" fill="#0044D4">${width > 40 ? 'Redocly' : 'R'}</text></svg>`,
  ).toString('base64')}`;

export const remoteAssetStandIns: Readonly<Record<string, string>> = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': logo(48),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': logo(12),
};

export function inlineRemoteAssets(html: string): string {
  let result = html;
  for (const [url, standIn] of Object.entries(remoteAssetStandIns)) result = result.replaceAll(url, standIn);
  return result;
}
