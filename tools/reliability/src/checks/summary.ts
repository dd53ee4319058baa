/** The closing line every reliability check prints: what was sent and what became of it. */
export interface Summary {
  check: string;
  sent: number;
  accepted: number;
  rejected: number;
  serverErrors: number;
  /** Acknowledged (2xx) but not in the store afterwards: must be 0. */
  lost: number;
  /** Stored more than once: must be 0. */
  duplicated: number;
  /** Requests that got no answer at all (connection cut). */
  unanswered: number;
  notes: string[];
}

export function emptySummary(check: string): Summary {
  return {
    check,
    sent: 0,
    accepted: 0,
    rejected: 0,
    serverErrors: 0,
    lost: 0,
    duplicated: 0,
    unanswered: 0,
    notes: [],
  };
}

export function formatSummary(summary: Summary): string {
  const { check, sent, accepted, rejected, serverErrors, lost, duplicated, unanswered, notes } = summary;
  return `${check}: sent ${sent}, accepted ${accepted}, rejected ${rejected}, 5xx ${serverErrors}, lost ${lost}, duplicated ${duplicated}, unanswered ${unanswered}${notes.length ? ` — ${notes.join('; ')}` : ''}`;
}

/** Counts an answer (or its absence) into a summary. */
export function count(summary: Summary, status: number | undefined): void {
  summary.sent++;
  if (status === undefined) summary.unanswered++;
  else if (status >= 500) summary.serverErrors++;
  else if (status >= 200 && status < 300) summary.accepted++;
  else summary.rejected++;
}
