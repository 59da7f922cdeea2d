package dev.margincall.protocol.morphoblue;

import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A Morpho liquidation as the keeper's strategy sees it: repay {@code repaidAssets} of the loan token, receive
 * {@code seizedAssets} of collateral. It also remembers how {@code liquidate} must be sized to do exactly that
 * ({@link #bySeizedAssets}: the seized collateral is fixed and the shares follow, as when all collateral is taken;
 * otherwise the repaid shares are fixed), which the encoder needs and the strategy never sees.
 *
 * @param collateralPrice one whole collateral token in the value unit, through the market's own oracle and the loan token's USD price
 * @param lossAllowance   what a liquidation that realizes bad debt may lose (value units), when its market accepts that;
 *                        null when it does not (a plain value, not an Optional: the send journal writes quotes as JSON
 *                        and reads them back through this constructor)
 */
public record MorphoQuote(String marketId, MarketParams params, Address account, LiquidationQuote quote, boolean bySeizedAssets,
                          BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals,
                          BigInteger healthFactor, BigInteger lossAllowance) implements Quote {

    public MorphoQuote(String marketId, MarketParams params, Address account, LiquidationQuote quote, boolean bySeizedAssets,
                       BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals, BigInteger healthFactor) {
        this(marketId, params, account, quote, bySeizedAssets, collateralPrice, debtPrice, collateralDecimals, debtDecimals, healthFactor, null);
    }

    /** The same liquidation, allowed to lose up to {@code allowance} if it realizes bad debt. */
    public MorphoQuote withLossAllowance(Optional<BigInteger> allowance) {
        return new MorphoQuote(marketId, params, account, quote, bySeizedAssets, collateralPrice, debtPrice, collateralDecimals, debtDecimals,
                healthFactor, allowance.orElse(null));
    }

    /** All the collateral seized with debt left: Morpho writes the rest off against the suppliers (Morpho.sol:392-401 in 1.0.0). */
    @Override
    public boolean realizesBadDebt() {
        return quote.realizesBadDebt();
    }

    @Override
    public Optional<BigInteger> badDebtLossAllowance() {
        return realizesBadDebt() ? Optional.ofNullable(lossAllowance) : Optional.empty();
    }

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
