/**
 * x/oracle's `AggregatedPrice` query. The devnet has no price feeds, so the oracle reports one
 * fixed AKT price: the very price the x/bme mint epoch converts with (`chain.data.mint.aktPrice`,
 * option `aktPriceUsd`, default 0.5 USD). A deployer that sizes a mint from this answer therefore
 * gets exactly what the mint will give it.
 *
 * x/oracle keeps prices under the base denom ("akt", quoted in "usd"); its keeper maps the micro
 * denom "uakt" onto "akt" before a lookup, so both names answer. A denom with no price answers as
 * the keeper does for a missing entry: `ErrPriceStalled` wrapping the collections "not found"
 * error, which gRPC reports as code Unknown (HTTP 500 on the gateway).
 */
import { DENOM_AKT } from "./constants.js";
import { formatDecimal } from "./decimal.js";
import { GrpcCode, QueryError } from "./errors.js";
import type { QueryContext } from "./queries.js";

/** The asset name x/oracle stores AKT's price under, and the quote currency. */
export const ORACLE_AKT_DENOM = "akt";
export const ORACLE_BASE_DENOM = "usd";

/** The denoms the oracle has a price for, mapped to the base denom it stores them under. */
const PRICED_DENOMS: ReadonlyMap<string, string> = new Map([
  [DENOM_AKT, ORACLE_AKT_DENOM],
  [ORACLE_AKT_DENOM, ORACLE_AKT_DENOM],
]);

/** The error the chain answers for a denom it has no price for. */
export function unknownPriceError(denom: string): QueryError {
  return new QueryError(GrpcCode.UNKNOWN, `collections: not found: key '{${denom} ${ORACLE_BASE_DENOM}}' of type akash.oracle.v1.PriceHealth: price stalled`);
}

/** `akash.oracle.v1.Query/AggregatedPrice`: one healthy source reporting the mint's AKT price. */
export function aggregatedPrice(req: { denom: string }, { chain }: QueryContext) {
  const stored = PRICED_DENOMS.get(req.denom);
  if (!stored) throw unknownPriceError(req.denom);
  const price = formatDecimal(chain.data.mint.aktPrice);
  // the price is as fresh as the latest block: the real oracle re-aggregates every EndBlock
  const timestamp = new Date(chain.latestBlock()?.time ?? chain.data.blockTime);
  return {
    aggregatedPrice: {
      denom: stored,
      twap: price,
      medianPrice: price,
      minPrice: price,
      maxPrice: price,
      timestamp,
      numSources: 1,
      deviationBps: "0",
    },
    priceHealth: {
      denom: stored,
      isHealthy: true,
      hasMinSources: true,
      deviationOk: true,
      totalSources: 1,
      totalHealthySources: 1,
      failureReason: [],
    },
  };
}
