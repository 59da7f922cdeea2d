package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * What {@code Pool.liquidationCall(collateral, debt, user, debtToCover, false)} would do at one block, in
 * token units: the debt the liquidator repays, the collateral (underlying) it receives, and the share of
 * the bonus the protocol keeps. Prices are those the liquidation uses (eMode price sources applied),
 * in the oracle's base currency.
 */
public record LiquidationQuote(Address account, Address collateralAsset, Address debtAsset,
                               BigInteger debtToCover, BigInteger collateralToLiquidator, BigInteger protocolFee,
                               BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals,
                               int liquidationBonus, BigInteger healthFactor) {

    /** The debt repaid, valued at the oracle price in the base currency (rounded up: a cost is never underestimated). */
    public BigInteger debtValueBase() {
        BigInteger[] qr = debtToCover.multiply(debtPrice).divideAndRemainder(BigInteger.TEN.pow(debtDecimals));
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    /** The collateral received, valued at the oracle price in the base currency (rounded down). */
    public BigInteger collateralValueBase() {
        return collateralToLiquidator.multiply(collateralPrice).divide(BigInteger.TEN.pow(collateralDecimals));
    }

    public boolean sameAsset() {
        return collateralAsset.equals(debtAsset);
    }
}
