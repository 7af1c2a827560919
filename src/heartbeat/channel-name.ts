/**
 * E1 channel names as chan_zap (≤1.4) and chan_dahdi name them: `Zap/<c>-<n>` / `DAHDI/<c>-<n>`,
 * <c> the DAHDI channel number, <n> the call counter (any number). Names with a suffix such as
 * `<ZOMBIE>`/`<MASQ>` (masquerades, ≤11), pseudo channels and ISDN number-style names
 * (`DAHDI/i1/5551234-1`, whose digits are a phone number, not a channel) are not E1 channels.
 */
const E1_NAME = /^(?:zap|dahdi)\/(\d{1,4})-\d+$/i;

/** The absolute DAHDI channel number of an E1 channel name, or null. */
export function e1ChannelNumber(name: string): number | null {
  const m = E1_NAME.exec(name);
  if (!m) return null;
  const c = Number(m[1]);
  return c > 0 ? c : null;
}
