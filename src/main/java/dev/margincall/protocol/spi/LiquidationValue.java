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

    /** Largest repayment first; between equal repayments (two collaterals under one close factor), the larger bonus, as a liquidator picks. */
    public static final Comparator<LiquidationValue> LARGEST = Comparator.comparing(LiquidationValue::repaid).thenComparing(LiquidationValue::bonus);

    /** The quote that repays the most, by {@link #LARGEST}. */
    public static LiquidationValue largest(List<? extends Quote> quotes) {
        return quotes.stream().map(q -> new LiquidationValue(q.debtValue(), q.collateralValue().subtract(q.debtValue()))).max(LARGEST).orElse(NONE);
    }
}
