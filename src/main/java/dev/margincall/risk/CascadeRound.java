package dev.margincall.risk;

import java.math.BigInteger;

/**
 * One round of a cascade: the oracle price the round sees (and its fall from the snapshot's), the
 * accounts liquidatable at it that were not before, their debt, the debt liquidators repay and the
 * collateral of the falling asset they seize (units and value at the round's price), the pool price once
 * that collateral is sold and the impact of the sale, and the debt no collateral covers (all liquidated
 * accounts, at the round's price).
 */
public record CascadeRound(int round, BigInteger oraclePrice, double oraclePriceUsd, double dropPct, int newlyLiquidatable,
                           BigInteger debtValue, double debtUsd, BigInteger repaidValue, double repaidUsd, BigInteger seizedUnits,
                           BigInteger seizedValue, double seizedUsd, BigInteger poolPriceAfter, double poolPriceAfterUsd, double impactPct,
                           BigInteger cumulativeBadDebtValue, double cumulativeBadDebtUsd) {
}
