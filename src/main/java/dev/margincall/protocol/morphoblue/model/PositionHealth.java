package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MathLib.mulDivDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.wDivDown;
import static dev.margincall.protocol.morphoblue.model.MathLib.wMulDown;

import java.math.BigInteger;

/**
 * A borrower's health as {@code Morpho._isHealthy} (src/Morpho.sol:527-539) decides it, on a market already
 * accrued to the block: what it owes ({@code borrowed}, rounded up) against what its collateral lets it owe
 * ({@code maxBorrow}, rounded down), both in loan-token units. Healthy iff {@code maxBorrow >= borrowed};
 * liquidatable otherwise.
 *
 * @param healthFactor {@code maxBorrow.wDivDown(borrowed)} (wad) for display and ranking; the contract computes no
 *                     such number, {@link #healthy()} is its rule. No debt: 2^256 − 1.
 */
public record PositionHealth(BigInteger borrowed, BigInteger maxBorrow, boolean healthy, BigInteger healthFactor) {

    /** ConstantsLib.sol:8. */
    public static final BigInteger ORACLE_PRICE_SCALE = BigInteger.TEN.pow(36);
    public static final BigInteger NO_DEBT = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    /**
     * @param market  accrued to the block's timestamp ({@link InterestAccrual}), as {@code liquidate} accrues first
     * @param price   the oracle's {@code price()} (1e36-scaled, loan units per collateral unit)
     * @param lltv    the market's LLTV (wad)
     */
    public static PositionHealth of(PositionState position, MarketState market, BigInteger price, BigInteger lltv) {
        // Morpho.sol:532: borrowed = borrowShares.toAssetsUp(totalBorrowAssets, totalBorrowShares)
        BigInteger borrowed = SharesMathLib.toAssetsUp(position.borrowShares(), market.totalBorrowAssets(), market.totalBorrowShares());
        // Morpho.sol:535: maxBorrow = collateral.mulDivDown(collateralPrice, ORACLE_PRICE_SCALE).wMulDown(lltv)
        BigInteger maxBorrow = wMulDown(mulDivDown(position.collateral(), price, ORACLE_PRICE_SCALE), lltv);
        boolean healthy = maxBorrow.compareTo(borrowed) >= 0;            // Morpho.sol:538
        BigInteger healthFactor = borrowed.signum() == 0 ? NO_DEBT : wDivDown(maxBorrow, borrowed);
        return new PositionHealth(borrowed, maxBorrow, healthy, healthFactor);
    }

    public boolean liquidatable() {
        return !healthy;
    }
}
