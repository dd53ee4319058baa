/**
 * A flame graph, as a self-contained SVG, from a V8 CPU profile (`node --cpu-prof`): each box is a
 * function in a call stack, as wide as the share of samples spent in it and in what it called;
 * callers below, callees above. Same-named frames under one parent are merged, so a stack reads as
 * the code's structure rather than as one box per call site. Hover a box for its name, file and
 * share. No script, no external asset: it renders in a browser and on a code-review page alike.
 *
 *   tsx src/flame-graph.ts <profile.cpuprofile> <out.svg> [title]
 */
import { readFile, writeFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

/** A merged frame: its label, samples in it and below it, and its callees by label. */
interface Frame {
  label: string;
  where: string;
  total: number;
  children: Map<string, Frame>;
}

const width = 1200;
const rowHeight = 17;
const minWidthPx = 0.3;

function labelOf(node: ProfileNode): { label: string; where: string } {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
  const short = file.split('/').slice(-2).join('/');
  return {
    label: short ? `${name} ${short}` : name,
    where: file ? `${file}:${lineNumber + 1}` : '',
  };
}

/** Builds the merged tree; a node's samples are its own hits (counted from `samples` when present). */
export function frameTree(profile: CpuProfile): Frame {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  if (profile.samples?.length) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  const root: Frame = { label: 'all', where: '', total: 0, children: new Map() };
  // The profile's own root is `(root)`; GC time shows as its child, as in V8's own tools.
  const visit = (id: number, parent: Frame): number => {
    const node = byId.get(id)!;
    const { label, where } = labelOf(node);
    let frame = parent.children.get(label);
    if (!frame) {
      frame = { label, where, total: 0, children: new Map() };
      parent.children.set(label, frame);
    }
    let total = hits.get(id) ?? 0;
    for (const child of node.children ?? []) total += visit(child, frame);
    frame.total += total;
    return total;
  };
  const top = profile.nodes[0]!;
  // Idle samples are no CPU: leaving them out makes each box its share of the thread's busy time.
  for (const child of top.children ?? [])
    if (byId.get(child)!.callFrame.functionName !== '(idle)') root.total += visit(child, root);
  return root;
}

/**
 * The functions that took the most busy samples, as a table for a terminal or a README: per label,
 * its own samples (self) and the samples with it anywhere on the stack (total, counted once per sample).
 */
export function topFunctions(profile: CpuProfile, count = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const samples = profile.samples ?? [];
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  for (const id of samples) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      idle++;
      continue;
    }
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at)!;
      if (node.callFrame.functionName === '(root)') break;
      const { label } = labelOf(node);
      if (at === id) self.set(label, (self.get(label) ?? 0) + 1);
      if (!seen.has(label)) total.set(label, (total.get(label) ?? 0) + 1);
      seen.add(label);
    }
  }
  const busy = samples.length - idle;
  const percent = (value: number) => `${((value / busy) * 100).toFixed(1)} %`;
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
  return [
    `Idle ${((idle / samples.length) * 100).toFixed(1)} % of the samples; shares below are of the busy ones.`,
    '',
    `| function | self | total |`,
    `|---|---|---|`,
    ...rows.map(([label, own]) => `| ${label} | ${percent(own)} | ${percent(total.get(label) ?? own)} |`),
  ].join('\n');
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A warm colour per name, stable across graphs, so the same function looks the same before and after. */
function colourOf(label: string): string {
  let hash = 0;
  for (const char of label) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  if (label.startsWith('(')) return 'rgb(200,200,200)';
  return `rgb(${205 + (hash % 50)},${80 + ((hash >> 8) % 130)},${40 + ((hash >> 16) % 50)})`;
}

/** `title` on the first line; `note` (the setup, the load) before the legend on the second. */
export function renderFlameGraph(root: Frame, title: string, note = ''): string {
  const boxes: string[] = [];
  let depth = 0;
  const place = (frame: Frame, x: number, level: number) => {
    const w = (frame.total / root.total) * width;
    if (w < minWidthPx) return;
    depth = Math.max(depth, level);
    const share = ((frame.total / root.total) * 100).toFixed(1);
    boxes.push(
      `<g><title>${escapeXml(`${frame.label} — ${share} % (${frame.total} samples)${frame.where ? `\n${frame.where}` : ''}`)}</title>` +
        `<rect x="${x.toFixed(2)}" y="{y${level}}" width="${w.toFixed(2)}" height="${rowHeight - 1}" fill="${colourOf(frame.label)}" rx="1"/>` +
        (w > 40
          ? `<text x="${(x + 3).toFixed(2)}" y="{t${level}}">${escapeXml(frame.label.slice(0, Math.floor((w - 6) / 6.2)))}</text>`
          : '') +
        '</g>',
    );
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => a.label.localeCompare(b.label))) {
      place(child, childX, level + 1);
      childX += (child.total / root.total) * width;
    }
  };
  place(root, 0, 0);
  const top = 40;
  const height = top + (depth + 1) * rowHeight + 10;
  // Callers at the bottom: level 0 sits on the last row.
  const body = boxes
    .join('\n')
    .replace(/\{y(\d+)\}/g, (_, level: string) => String(height - 10 - (Number(level) + 1) * rowHeight))
    .replace(/\{t(\d+)\}/g, (_, level: string) => String(height - 10 - Number(level) * rowHeight - 5));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    `<text x="${width / 2}" y="34" text-anchor="middle" fill="#666">${escapeXml(note ? `${note} — ` : '')}${root.total} busy samples (idle left out); width = share of them; callers below; hover a box for its name</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output, title] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: flame-graph <profile.cpuprofile> <out.svg> [title]');
    process.exit(2);
  }
  const profile = JSON.parse(await readFile(input, 'utf8')) as CpuProfile;
  await writeFile(output, renderFlameGraph(frameTree(profile), title ?? input));
  console.log(`wrote ${output}`);
}
