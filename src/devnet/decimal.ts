/**
 * Cosmos `LegacyDec` amounts (18 fractional digits) as bigint atomics, and integer coins. Escrow
 * balances and lease prices are decimals ("uact per block" can be fractional); bank balances and
 * fees are integers.
 */

export const DEC_PRECISION = 18;
export const DEC_ONE = 10n ** 18n;

/** A decimal coin held as atomics (value × 10^18). */
export interface DecAmount {
  denom: string;
  atomics: bigint;
}

/**
 * Parses a non-negative decimal written by a user or by chain-sdk's decoder ("1000", "0.5",
 * "1000.000000000000000000"). Throws on anything else, including more than 18 fractional digits.
 */
export function parseDecimal(text: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a non-negative decimal number`);
  const fraction = match[2] ?? "";
  if (fraction.length > DEC_PRECISION) throw new Error(`"${text}" has more than ${DEC_PRECISION} decimal places`);
  return BigInt(match[1]!) * DEC_ONE + BigInt(fraction.padEnd(DEC_PRECISION, "0") || "0");
}

/** The chain's JSON form of a decimal: always 18 fractional digits ("1000.000000000000000000"). */
export function formatDecimal(atomics: bigint): string {
  const negative = atomics < 0n;
  const abs = negative ? -atomics : atomics;
  const whole = abs / DEC_ONE;
  const fraction = (abs % DEC_ONE).toString().padStart(DEC_PRECISION, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** A whole-unit amount as decimal atomics. */
export function toAtomics(amount: bigint): bigint {
  return amount * DEC_ONE;
}

/** The whole units in a decimal amount, rounded down (what a withdrawal or refund can move). */
export function floorUnits(atomics: bigint): bigint {
  return atomics / DEC_ONE;
}

/** Parses an integer coin amount as the SDK does (`math.Int`): digits only. */
export function parseIntAmount(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new Error(`"${text}" is not a whole number`);
  return BigInt(text);
}

/** "5000uakt" style, as the SDK prints coins in messages. */
export function coinString(amount: bigint, denom: string): string {
  return `${amount}${denom}`;
}

/** "1000.000000000000000000uact" style, as the SDK prints decimal coins. */
export function decCoinString(atomics: bigint, denom: string): string {
  return `${formatDecimal(atomics)}${denom}`;
}
