/**
 * The deployer's money arithmetic in 18-decimal fixed point: parsing and printing decimals,
 * balances by denom, how much ACT to mint and what it burns, and the default deposit.
 */
import { describe, expect, it } from "vitest";
import { balanceOf, defaultDepositUact, expectedPerBlock, formatDec, groupMaxPricePerBlock, microToWhole, mintNeed, parseDec, sumDec } from "../src/deploy/amounts.js";
import type { GroupSpec } from "../src/sdl/groups.js";

const E18 = 10n ** 18n;

describe("parseDec and formatDec", () => {
  it("parse whole, fractional, signed and padded amounts exactly", () => {
    expect(parseDec("12")).toBe(12n * E18);
    expect(parseDec("  12.5  ")).toBe(12n * E18 + 5n * 10n ** 17n);
    expect(parseDec("-0.000000000000000001")).toBe(-1n);
    expect(parseDec(".5")).toBe(5n * 10n ** 17n);
    expect(parseDec("7.")).toBe(7n * E18);
    // Digits past the 18th are cut, not rounded.
    expect(parseDec("0.1234567890123456789")).toBe(123456789012345678n);
  });

  it("refuse what is not a decimal, naming it", () => {
    for (const bad of ["1e5", "abc", "1.2.3", "12uact", "x12", "--1"]) expect(() => parseDec(bad)).toThrow(`not a decimal amount: ${JSON.stringify(bad)}`);
  });

  it("print the shortest decimal, with its sign, and cut to the decimals asked for", () => {
    expect(formatDec(12n * E18 + 5n * 10n ** 17n)).toBe("12.5");
    expect(formatDec(3n * E18)).toBe("3");
    expect(formatDec(-25n * 10n ** 16n)).toBe("-0.25");
    expect(formatDec(0n)).toBe("0");
    expect(formatDec(1n)).toBe("0.000000000000000001");
    expect(formatDec(123456789012345678n, 6)).toBe("0.123456");
    expect(formatDec(100n, 6)).toBe("0");
  });

  it("microToWhole turns micro-units into whole ones, from a number or a decimal string", () => {
    expect(microToWhole(10_500_000n)).toBe("10.5");
    expect(microToWhole("2500000.5")).toBe("2.5");
    expect(microToWhole(1n)).toBe("0.000001");
    expect(microToWhole(1n, 2)).toBe("0");
  });
});

describe("coins", () => {
  const coins = [
    { denom: "uakt", amount: "5" },
    { denom: "uact", amount: "7" },
  ];
  it("balanceOf finds the denom's amount, or 0", () => {
    expect(balanceOf(coins, "uact")).toBe(7n);
    expect(balanceOf(coins, "uakt")).toBe(5n);
    expect(balanceOf(coins, "ufoo")).toBe(0n);
  });

  it("sumDec adds the decimal amounts of one denom only", () => {
    const dec = [
      { denom: "uact", amount: "1.5" },
      { denom: "uakt", amount: "100" },
      { denom: "uact", amount: "2.25" },
    ];
    expect(sumDec(dec, "uact")).toBe(parseDec("3.75"));
    expect(sumDec(dec, "ufoo")).toBe(0n);
  });
});

describe("mintNeed", () => {
  it("mints nothing when the balance already covers the need", () => {
    expect(mintNeed(100n, 100n, 10n, 2, 25)).toBeUndefined();
    expect(mintNeed(100n, 150n, 10n, 2, 25)).toBeUndefined();
  });

  it("mints the shortfall, or the chain's minimum when the shortfall is smaller", () => {
    expect(mintNeed(100n, 99n, 10n, undefined, 25)).toEqual({ mintUact: 10n, burnUakt: undefined });
    expect(mintNeed(100n, 90n, 10n, undefined, 25)).toEqual({ mintUact: 10n, burnUakt: undefined });
    expect(mintNeed(100n, 50n, 10n, undefined, 25)).toEqual({ mintUact: 50n, burnUakt: undefined });
  });

  it("burns AKT for it at the price, less the spread, plus 1%, rounded up", () => {
    // 9 975 000 uact at 0.5 ACT per AKT with a 25 bps spread: 20 000 000 uakt, +1% = 20 200 000.
    expect(mintNeed(9_975_000n, 0n, 1n, 0.5, 25)).toEqual({ mintUact: 9_975_000n, burnUakt: 20_200_000n });
    // No spread, price 1: mint × 1.01, rounded up.
    expect(mintNeed(1_000_001n, 0n, 1n, 1, 0)).toEqual({ mintUact: 1_000_001n, burnUakt: 1_010_002n });
    expect(mintNeed(100n, 0n, 1n, 1, 0)).toEqual({ mintUact: 100n, burnUakt: 101n });
  });

  it("knows no burn without a positive price", () => {
    expect(mintNeed(100n, 0n, 1n, 0, 25)?.burnUakt).toBeUndefined();
    expect(mintNeed(100n, 0n, 1n, -1, 25)?.burnUakt).toBeUndefined();
    expect(mintNeed(100n, 0n, 1n, Number.NaN, 25)?.burnUakt).toBeUndefined();
  });
});

describe("group prices and the default deposit", () => {
  const group = (units: Array<[string, number]>): GroupSpec =>
    ({
      name: "akash",
      requirements: { signedBy: { allOf: null, anyOf: null }, attributes: null },
      resources: units.map(([amount, count], i) => ({
        resources: { id: i + 1, cpu: { units: 100n, attributes: [] }, memory: { size: 128n * 1024n ** 2n, attributes: [] }, storage: [{ name: "default", size: 1024n ** 3n, attributes: null }], gpu: { units: 0n, attributes: [] }, endpoints: [] },
        count,
        price: { denom: "uact", amount },
      })),
    }) as GroupSpec;

  it("groupMaxPricePerBlock sums price × count", () => {
    expect(groupMaxPricePerBlock(group([["10", 3], ["2.5", 2]]))).toBe(parseDec("35"));
  });

  it("expectedPerBlock never exceeds a group's ceiling", () => {
    const cheap = group([["0.000000000000000001", 1]]);
    expect(expectedPerBlock([cheap])).toBe(1n);
    const generous = group([["1000000", 1]]);
    const expected = expectedPerBlock([generous]);
    expect(expected).toBeGreaterThan(0n);
    expect(expected).toBeLessThan(parseDec("1000000"));
    expect(expectedPerBlock([cheap, generous])).toBe(expected + 1n);
  });

  it("defaultDepositUact covers 48 hours in whole ACT, or the minimum when that is more", () => {
    // 17.28 s blocks: 10 000 blocks in 48 h. 200 replicas at a ceiling of 0.5 uact each (below what
    // providers are expected to bid for them, so the ceiling is the price): 100 uact a block.
    const at = (price: string, count: number) => [group([[price, count]])];
    expect(defaultDepositUact(at("0.5", 200), 17.28, 0n)).toBe(1_000_000n);
    // A hair over one ACT is two.
    expect(defaultDepositUact(at("0.500000000000000001", 200), 17.28, 0n)).toBe(2_000_000n);
    expect(defaultDepositUact(at("0.5", 300), 17.28, 0n)).toBe(2_000_000n);
    expect(defaultDepositUact(at("0.5", 400), 17.28, 0n)).toBe(2_000_000n);
    expect(defaultDepositUact(at("0.5", 200), 17.28, 5_000_000n)).toBe(5_000_000n);
    expect(defaultDepositUact(at("0.5", 400), 17.28, 1_000_000n)).toBe(2_000_000n);
  });
});
