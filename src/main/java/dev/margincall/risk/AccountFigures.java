package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.LiquidationValue;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;

/**
 * One liquidatable account at one set of prices, from the protocol's exact evaluation and quotes: debt and
 * collateral, the largest single liquidation's repayable debt and the bonus it pays, the uncovered debt.
 */
record AccountFigures(BigInteger debt, BigInteger collateral, BigInteger repayable, BigInteger bonus, BigInteger uncovered) {

    /** The quote that repays the most (ties: the first the protocol lists): the cascade's pick among the quotes that seize one asset. */
    static final java.util.Comparator<Quote> BY_DEBT_REPAID = java.util.Comparator.comparing(Quote::debtValue);

    static AccountFigures of(AccountHealth health, LiquidationValue largest) {
        return of(health.debtValue(), health.collateralValue(), largest);
    }

    /** @param largest the account's largest liquidation ({@link dev.margincall.protocol.spi.ShockedMarket#largestLiquidation}) */
    static AccountFigures of(BigInteger debt, BigInteger collateral, LiquidationValue largest) {
        return new AccountFigures(debt, collateral, largest.repaid(), largest.bonus(), debt.subtract(collateral).max(BigInteger.ZERO));
    }
}
