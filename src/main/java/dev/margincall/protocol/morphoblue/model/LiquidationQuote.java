package dev.margincall.protocol.morphoblue.model;

import java.math.BigInteger;

/**
 * What one {@code Morpho.liquidate} call does, to the wei: the numbers its {@code Liquidate} event carries
 * (src/libraries/EventsLib.sol: repaidAssets, repaidShares, seizedAssets, badDebtAssets, badDebtShares) and the
 * borrower's position and the market's totals after it. The liquidator sends {@code repaidAssets} of the loan token
 * and receives {@code seizedAssets} of collateral; bad debt is written off against the suppliers.
 */
public record LiquidationQuote(BigInteger repaidAssets, BigInteger repaidShares, BigInteger seizedAssets,
                               BigInteger badDebtAssets, BigInteger badDebtShares, PositionState positionAfter, MarketState marketAfter) {

    public boolean realizesBadDebt() {
        return badDebtShares.signum() > 0;
    }
}
