package dev.margincall.protocol.morphoblue;

import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;

/**
 * A Morpho liquidation as the keeper's strategy sees it: repay {@code repaidAssets} of the loan token, receive
 * {@code seizedAssets} of collateral. It also remembers how {@code liquidate} must be sized to do exactly that
 * ({@link #bySeizedAssets}: the seized collateral is fixed and the shares follow, as when all collateral is taken;
 * otherwise the repaid shares are fixed), which the encoder needs and the strategy never sees.
 *
 * @param collateralPrice one whole collateral token in the value unit, through the market's own oracle and the loan token's USD price
 */
public record MorphoQuote(String marketId, MarketParams params, Address account, LiquidationQuote quote, boolean bySeizedAssets,
                          BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals,
                          BigInteger healthFactor) implements Quote {

    @Override
    public Address collateralAsset() {
        return params.collateralToken();
    }

    @Override
    public Address debtAsset() {
        return params.loanToken();
    }

    @Override
    public BigInteger debtToCover() {
        return quote.repaidAssets();
    }

    @Override
    public BigInteger collateralToLiquidator() {
        return quote.seizedAssets();
    }
}
