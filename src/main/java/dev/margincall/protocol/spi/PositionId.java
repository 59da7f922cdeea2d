package dev.margincall.protocol.spi;

import dev.margincall.core.Address;

/**
 * One borrower's position in one market: how the keeper names it everywhere (in-flight and back-off
 * tables, events, logs). {@code market} is the configured name of the market, or its address.
 */
public record PositionId(MarketId market, Address account) implements Comparable<PositionId> {

    public String protocol() {
        return market.protocol();
    }

    @Override
    public int compareTo(PositionId other) {
        int byMarket = market.toString().compareTo(other.market.toString());
        return byMarket != 0 ? byMarket : account.hex().compareTo(other.account.hex());
    }

    @Override
    public String toString() {
        return market + "/" + account;
    }
}
