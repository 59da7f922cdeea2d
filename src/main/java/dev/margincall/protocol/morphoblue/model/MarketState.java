package dev.margincall.protocol.morphoblue.model;

import java.math.BigInteger;

/**
 * A market's totals as {@code Morpho.market(id)} returns them (struct Market, src/interfaces/IMorpho.sol:26):
 * assets in the loan token's smallest unit, {@code lastUpdate} a block timestamp, {@code fee} a wad share of
 * the interest. As stored they exclude the interest since {@code lastUpdate}: {@link InterestAccrual} adds it.
 */
public record MarketState(BigInteger totalSupplyAssets, BigInteger totalSupplyShares, BigInteger totalBorrowAssets,
                          BigInteger totalBorrowShares, long lastUpdate, BigInteger fee) {
}
