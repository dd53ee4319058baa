/** A suite result as JUnit XML, the report format CI systems read: one testsuite per API, one testcase per case. */
import type { SuiteResult } from './run.js';

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);

export function toJUnit({ target, results }: SuiteResult): string {
  const apis = [...new Set(results.map((result) => result.api))];
  const suites = apis.map((api) => {
    const cases = results.filter((result) => result.api === api);
    const failed = cases.filter((result) => result.failures.length > 0).length;
    const seconds = cases.reduce((sum, result) => sum + result.durationMs, 0) / 1000;
    const testcases = cases.map((result) => {
      const open = `    <testcase classname="${escapeXml(`trackspec.${target}.${api}`)}" name="${escapeXml(result.name)}" time="${(result.durationMs / 1000).toFixed(3)}"`;
      if (result.failures.length === 0) return `${open}/>`;
      const message = escapeXml(result.failures[0]!);
      return `${open}>\n      <failure message="${message}">${escapeXml(result.failures.join('\n'))}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${escapeXml(`${target} ${api}`)}" tests="${cases.length}" failures="${failed}" errors="0" time="${seconds.toFixed(3)}">\n${testcases.join('\n')}\n  </testsuite>`;
  });
  const total = results.length;
  const failures = results.filter((result) => result.failures.length > 0).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="trackspec contract suite against ${escapeXml(target)}" tests="${total}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
