package dev.margincall.protocol.spi;

import java.util.List;

/**
 * A position near liquidation, evaluated at the next block's timestamp: whether it is liquidatable then,
 * and the protocol's quote for every (collateral, debt) pair a liquidator may take (empty when there is
 * nothing to seize: bad debt).
 */
public record Opportunity(PositionId position, boolean liquidatable, List<Quote> quotes) {

    public Opportunity {
        quotes = List.copyOf(quotes);
    }
}
