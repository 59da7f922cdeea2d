package dev.margincall.protocol.spi;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of one market at one block: its positions, prices and parameters, detached from the
 * live book (which keeps changing), for the risk report. Accounts and assets are numbered densely
 * ({@code 0 ≤ account < size()}, {@code 0 ≤ asset < assets().size()}); values are in the market's
 * {@link #valuation()} unit. Thread-safe: nothing in it changes.
 */
public interface RiskSnapshot {

    /**
     * The protocol values a debt line rounding up (Aave 3.5+: {@code mulDivCeil}); else down. A line moved to another
     * price is valued so, to stay exact.
     */
    default boolean debtValueRoundsUp() {
        return false;
    }

    /** Market, value unit, block, timestamp and assets: the plain facts, one record. */
    SnapshotHeader header();

    default MarketId market() {
        return header().market();
    }

    default Valuation valuation() {
        return header().valuation();
    }

    default long block() {
        return header().block();
    }

    default long timestamp() {
        return header().timestamp();
    }

    /** The assets the market lists, with their price at the snapshot. */
    default List<RiskAsset> assets() {
        return header().assets();
    }

    /** Accounts in the snapshot (those with a position). */
    int size();

    Address account(int index);

    /** What the account holds and owes, asset by asset, at the snapshot's prices: the linear model the report screens with. */
    AccountExposure exposure(int index);

    /** The account's distance to liquidation per collateral asset (as {@code scan} computes it). */
    AccountMargin margin(int index);

    /**
     * The market with some prices replaced (by asset; the others as in the snapshot), evaluated with the
     * protocol's exact rules: what the chain would answer at the snapshot's block with those prices.
     */
    ShockedMarket at(Map<Address, BigInteger> prices);
}
