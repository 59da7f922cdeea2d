package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;

/**
 * One liquidatable account at one set of prices, from the protocol's exact evaluation and quotes: debt and
 * collateral, the largest single liquidation's repayable debt and the bonus it pays, the uncovered debt.
 */
record AccountFigures(BigInteger debt, BigInteger collateral, BigInteger repayable, BigInteger bonus, BigInteger uncovered) {

    /** The quote that repays the most (ties: the first the protocol lists). */
    static final Comparator<Quote> BY_DEBT_REPAID = Comparator.comparing(Quote::debtValue);

    static AccountFigures of(AccountHealth health, List<Quote> quotes) {
        return of(health.debtValue(), health.collateralValue(), quotes);
    }

    static AccountFigures of(BigInteger debt, BigInteger collateral, List<Quote> quotes) {
        Quote best = quotes.stream().max(BY_DEBT_REPAID).orElse(null);
        BigInteger repayable = best == null ? BigInteger.ZERO : best.debtValue();
        BigInteger bonus = best == null ? BigInteger.ZERO : best.collateralValue().subtract(best.debtValue());
        return new AccountFigures(debt, collateral, repayable, bonus, debt.subtract(collateral).max(BigInteger.ZERO));
    }
}
