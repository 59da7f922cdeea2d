package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;

/**
 * What {@code Pool.liquidationCall(collateral, debt, user, debtToCover, false)} would do at one block, in
 * token units: the debt the liquidator repays, the collateral (underlying) it receives, and the share of
 * the bonus the protocol keeps. Prices are those the liquidation uses (eMode price sources applied),
 * in the oracle's base currency (the market's value unit: {@link Quote#debtValue()} rounds up, {@link Quote#collateralValue()} down).
 */
public record LiquidationQuote(Address account, Address collateralAsset, Address debtAsset,
                               BigInteger debtToCover, BigInteger collateralToLiquidator, BigInteger protocolFee,
                               BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals,
                               int liquidationBonus, BigInteger healthFactor) implements Quote {

}
