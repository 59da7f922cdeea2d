package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A borrower the devnet puts in one Morpho market: collateral supplied and assets borrowed, in the tokens'
 * smallest units, and the health factor meant ({@code maxBorrow / borrowed}, wad, from the seeding price and
 * before share rounding and interest; the chain's own answer is what tests compare against).
 */
public record MorphoBorrower(String market, int index, Address address, RiskBand band, BigInteger collateral, BigInteger borrowAssets,
                             BigInteger plannedHealthFactor) {
}
