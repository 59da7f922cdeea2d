package dev.margincall.protocol.spi;

import dev.margincall.core.Address;
import dev.margincall.core.Rounding;
import java.math.BigInteger;
import java.util.Optional;

/**
 * What one liquidation of one (collateral, debt) pair would do, as the protocol computes it, in token
 * units; prices in the market's value unit ({@link Valuation}). The strategy values it without knowing
 * the protocol; the protocol's {@link LiquidationEncoder} turns the chosen one into calldata.
 */
public interface Quote {

    Address account();

    Address collateralAsset();

    Address debtAsset();

    /** Debt the liquidator repays (debt-asset units). */
    BigInteger debtToCover();

    /**
     * What the liquidation call asks to repay: {@link #debtToCover()}, or a little more where the protocol takes
     * only what it computes when the call lands (Aave 3.6 clearing a line). A flash loan borrows this much.
     */
    default BigInteger debtToRequest() {
        return debtToCover();
    }

    /** Collateral the liquidator receives (collateral-asset units), after any protocol fee. */
    BigInteger collateralToLiquidator();

    /** One whole collateral token (10^decimals units) in the market's value unit. */
    BigInteger collateralPrice();

    /** One whole debt token in the market's value unit. */
    BigInteger debtPrice();

    int collateralDecimals();

    int debtDecimals();

    /** The account's health factor (wad) the quote was computed at. */
    BigInteger healthFactor();

    /** The debt repaid in the market's value unit, rounded up: a cost is never underestimated. */
    default BigInteger debtValue() {
        return Rounding.mulDivUp(debtToCover(), debtPrice(), BigInteger.TEN.pow(debtDecimals()));
    }

    /** The collateral received in the market's value unit, rounded down. */
    default BigInteger collateralValue() {
        return collateralToLiquidator().multiply(collateralPrice()).divide(BigInteger.TEN.pow(collateralDecimals()));
    }

    /**
     * True when the liquidation leaves the account with debt and no collateral, which the protocol writes off against
     * its lenders (Morpho Blue's bad debt): realizing it is worth a small loss to some operators ({@link #badDebtLossAllowance()}).
     */
    default boolean realizesBadDebt() {
        return false;
    }

    /**
     * The most (value units, net of gas) this liquidation may lose and still be sent, because it realizes bad debt and its
     * market is configured to accept that ({@code realizeBadDebt}, {@code maxBadDebtLossUsd}); empty: it must earn the
     * configured minimum profit like any other.
     */
    default Optional<BigInteger> badDebtLossAllowance() {
        return Optional.empty();
    }

    default boolean sameAsset() {
        return collateralAsset().equals(debtAsset());
    }
}
