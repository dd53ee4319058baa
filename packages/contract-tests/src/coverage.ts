/** Which documented status codes of which operations the suite exercised, and why the others were not. */
import { listOperations, type OpenApiDocument, type SpecObject } from '@trackspec/specs';

/** Why a documented code was not asked for (undefined: no reason, a gap in the suite). */
export type UnaskedReason = (operation: SpecObject, status: string) => string | undefined;

export class Coverage {
  readonly #seen = new Map<string, Set<string>>();

  record(api: string, operationId: string, responseKey: string): void {
    const key = `${api} ${operationId}`;
    if (!this.#seen.has(key)) this.#seen.set(key, new Set());
    this.#seen.get(key)!.add(responseKey);
  }

  /** One row per operation: documented codes, the ones exercised, the ones not (with the reason, where known). */
  rows(api: string, document: OpenApiDocument, reasonFor: UnaskedReason = () => undefined) {
    return listOperations(document)
      .filter((operation) => operation.source === 'paths')
      .map((operation) => {
        const documented = Object.keys((operation.operation.responses ?? {}) as object);
        const exercised = this.#seen.get(`${api} ${operation.operationId}`) ?? new Set<string>();
        return {
          api,
          operation: `${operation.method.toUpperCase()} ${operation.path}`,
          operationId: operation.operationId,
          exercised: documented.filter((code) => exercised.has(code)),
          uncovered: documented.filter((code) => !exercised.has(code)),
          reasons: Object.fromEntries(
            documented
              .filter((code) => !exercised.has(code))
              .flatMap((code) => {
                const reason = reasonFor(operation.operation, code);
                return reason ? [[code, reason]] : [];
              }),
          ) as Record<string, string>,
          covered2xx: [...exercised].some((code) => code.startsWith('2')),
        };
      });
  }

  static format(target: string, rows: ReturnType<Coverage['rows']>): string {
    const lines = [`Contract coverage against ${target}: operations × documented status codes exercised`];
    for (const row of rows) {
      lines.push(
        `  ${row.api.padEnd(10)} ${row.operation.padEnd(42)} exercised ${row.exercised.join(',').padEnd(20)} not exercised ${row.uncovered.map((code) => (row.reasons[code] ? `${code} (${row.reasons[code]})` : code)).join(', ') || '—'}`,
      );
    }
    const total = rows.reduce((sum, row) => sum + row.exercised.length + row.uncovered.length, 0);
    const exercised = rows.reduce((sum, row) => sum + row.exercised.length, 0);
    const explained = rows.reduce((sum, row) => sum + Object.keys(row.reasons).length, 0);
    lines.push(
      `  ${rows.filter((row) => row.covered2xx).length}/${rows.length} operations covered with a 2xx; ${exercised}/${total} documented (operation, status) pairs exercised (${((100 * exercised) / total).toFixed(1)} %); ${explained} not exercised for the reason shown, ${total - exercised - explained} without one`,
    );
    return lines.join('\n');
  }
}
