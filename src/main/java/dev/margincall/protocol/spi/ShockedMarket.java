package dev.margincall.protocol.spi;

import java.util.List;

/** A {@link RiskSnapshot} under other prices, evaluated with the protocol's own rules (prepared once per price set, then per account). */
public interface ShockedMarket {

    AccountHealth health(int account);

    /**
     * The protocol's quotes for the account at these prices: one per (collateral, debt) pair a liquidator
     * may take, as the deployed version's close-factor and dust rules allow; empty when it is not liquidatable.
     */
    List<Quote> quotes(int account);

    /**
     * The account's largest single liquidation at these prices: {@link LiquidationValue#largest} of {@link #quotes}, which a
     * protocol may compute faster (the report asks it for every liquidatable account at every step of a fall), to the same wei.
     */
    default LiquidationValue largestLiquidation(int account) {
        return LiquidationValue.largest(quotes(account));
    }

    /** Adds {@link #largestLiquidation}'s figures to {@code sums}, which a protocol may do without making objects per account. */
    default void addLargestLiquidation(int account, LiquidationSums sums) {
        LiquidationValue largest = largestLiquidation(account);
        sums.add(largest.repaid(), largest.bonus());
    }
}
