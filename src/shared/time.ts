/** The contract's time format (SPEC §2): UTC, millisecond precision, sortable as text. */
export function isoNow(now: number = Date.now()): string {
  return new Date(now).toISOString();
}
