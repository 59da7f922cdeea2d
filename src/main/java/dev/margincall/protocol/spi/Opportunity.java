package dev.margincall.protocol.spi;

import java.util.List;

/**
 * A position near liquidation, evaluated at the next block's timestamp: whether it is liquidatable then,
 * and the protocol's quote for every (collateral, debt) pair a liquidator may take (empty when there is
 * nothing to seize: bad debt). {@code unpriced}: a liquidatable pair got no quote because the market has no
 * USD price for one of its tokens (no profit can be valued), not because nothing can be seized.
 */
public record Opportunity(PositionId position, boolean liquidatable, List<Quote> quotes, boolean unpriced) {

    public Opportunity {
        quotes = List.copyOf(quotes);
    }

    public Opportunity(PositionId position, boolean liquidatable, List<Quote> quotes) {
        this(position, liquidatable, quotes, false);
    }
}
