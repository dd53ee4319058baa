/** The message of anything thrown, for the store's own errors and for errors sent across threads. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
