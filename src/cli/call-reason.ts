/** OriginateResponse Reason codes (SPEC §2) in words. */
const REASONS: Record<number, string> = { 0: 'failed', 1: 'hung up', 3: 'no answer', 4: 'answered', 5: 'busy', 8: 'congestion' };

/** `5 busy`; a code Asterisk may add later shows as its number alone. */
export function callReasonText(reason: number): string {
  const word = REASONS[reason];
  return word === undefined ? String(reason) : `${reason} ${word}`;
}
