package dev.margincall.protocol.spi;

/**
 * A market the keeper watches: its protocol ("aave-v3", "morpho-blue") and its name (the configured
 * {@code name}, else the market's address). Bounded: fit for a metric label.
 */
public record MarketId(String protocol, String name) {

    @Override
    public String toString() {
        return protocol + ":" + name;
    }
}
