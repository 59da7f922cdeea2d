package dev.margincall.submit;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * One transaction the submitter sends: a single liquidation (its own call), or a batch of them through our contract's
 * batch entry ({@code batch}), whose items are settled one by one from the contract's events
 * ({@link dev.margincall.chain.abi.BatchEvents}): an item skipped on chain (a competitor came first) is not a reverted
 * transaction. The money limits are the items' together.
 *
 * @param items the liquidations it carries, in the batch's item order
 * @param to    the contract called: the protocol, or our liquidator
 */
public record Submission(List<Liquidation> items, Address to, String data, boolean batch) {

    public Submission {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a transaction carries at least one liquidation");
        }
        if (!batch && items.size() != 1) {
            throw new IllegalArgumentException("only a batch carries more than one liquidation");
        }
        items = List.copyOf(items);
    }

    /** A liquidation sent by itself, with its own call. */
    public static Submission single(Liquidation liquidation) {
        return new Submission(List.of(liquidation), liquidation.to(), liquidation.data(), false);
    }

    /** The profit of all its items before gas, in wei: gas may take only a share of it. */
    public BigInteger grossProfitWei() {
        return items.stream().map(Liquidation::grossProfitWei).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** The minimum profit of all its items, in wei. */
    public BigInteger minProfitWei() {
        return items.stream().map(Liquidation::minProfitWei).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** How it is named in logs and errors: its first position, and how many more ride with it. */
    public String describe() {
        return items.get(0).position() + (items.size() > 1 ? " and " + (items.size() - 1) + " more in one batch" : "");
    }
}
