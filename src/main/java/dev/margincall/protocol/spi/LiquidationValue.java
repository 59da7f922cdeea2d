package dev.margincall.protocol.spi;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;

/**
 * An account's largest single liquidation at some prices, in the market's value unit: the debt a liquidator repays
 * ({@link Quote#debtValue()}, rounded up) and the bonus it earns, the collateral it receives ({@link Quote#collateralValue()},
 * rounded down) less that debt. Zero and zero when the account is not liquidatable.
 */
public record LiquidationValue(BigInteger repaid, BigInteger bonus) {

    public static final LiquidationValue NONE = new LiquidationValue(BigInteger.ZERO, BigInteger.ZERO);

    /** The quote that repays the most (ties: the first the protocol lists). */
    public static LiquidationValue largest(List<? extends Quote> quotes) {
        Quote best = quotes.stream().max(Comparator.comparing(Quote::debtValue)).orElse(null);
        return best == null ? NONE : new LiquidationValue(best.debtValue(), best.collateralValue().subtract(best.debtValue()));
    }
}
