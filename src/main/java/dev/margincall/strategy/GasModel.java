package dev.margincall.strategy;

import dev.margincall.core.Address;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gas of a liquidation transaction predicted without a round trip: learned per (protocol, pair, funding, batch size)
 * from our own simulations and receipts, so that the keeper can put a transaction on the wire without asking the node
 * for an estimate first. The on-chain guards make a wrong guess cost gas, never principal; the model errs high:
 * <ul>
 * <li>an observation above the estimate replaces it at once (a too-low estimate is corrected by the first receipt that
 * shows it, and a transaction must never run out of gas twice for the same reason);</li>
 * <li>one below a learned value moves it a quarter of the way down (gas varies with state: a single cheap run must not
 * make the next send too tight); the first observation of a key replaces the default, which is only a guess;</li>
 * <li>it estimates gas used, not a limit: the submitter turns an estimate into a limit as it turns a simulation's gas used
 * into one ({@code LiquidationSimulator.limitFromGasUsed}: refunds and nested calls need more than is used), one formula.</li>
 * </ul>
 * A batch's observation is shared among its items in proportion to their current estimates. A batch size never seen
 * takes a bound from the sizes measured of its pair (see {@link #bound}), else the highest such bound of another pair, else
 * the prior (half the default); a single liquidation never seen takes the highest learned single of another pair, at
 * least the prior (KeeperMorphoWhereUsersRunIT saw WBTC sales sent with the limit of cheaper WETH ones run out of gas
 * when a slow endpoint let them be mined before the verification could raise it), else the default. The two kinds never stand
 * in for each other: a single liquidation pays the flash loan and the swap alone, a batched item shares them
 * ({@code FlashLiquidatorBatchIT}: 13 items at 37.8 % of a single's gas each). Pure; one writer.
 */
public final class GasModel {

    /** What one item's gas depends on. {@code batchSize} 1 is a single liquidation. */
    public record Key(String protocol, Address collateralAsset, Address debtAsset, Funding funding, int batchSize) {

        Key ofSize(int size) {
            return new Key(protocol, collateralAsset, debtAsset, funding, size);
        }

        boolean samePair(Key other) {
            return protocol.equals(other.protocol) && collateralAsset.equals(other.collateralAsset) && debtAsset.equals(other.debtAsset)
                    && funding == other.funding;
        }

        boolean batched() {
            return batchSize > 1;
        }

        /** The same protocol, funding and kind (single or batched), any pair. */
        boolean sameKind(Key other) {
            return protocol.equals(other.protocol) && funding == other.funding && batched() == other.batched();
        }
    }

    private static final long DOWN_WEIGHT_DENOMINATOR = 4;

    private final long defaultGasPerItem;
    private final Map<Key, Long> estimates = new HashMap<>();

    /**
     * @param defaultGasPerItem what an item is assumed to cost before anything is learned (a single liquidation's
     *                          configured gas is a safe start: batched items cost less)
     */
    public GasModel(long defaultGasPerItem) {
        if (defaultGasPerItem <= 0) {
            throw new IllegalArgumentException("default gas must be positive, got " + defaultGasPerItem);
        }
        this.defaultGasPerItem = defaultGasPerItem;
    }

    /** The gas one item of {@code key} is expected to use. */
    public long estimate(Key key) {
        Long known = estimates.get(key);
        if (known != null) {
            return known;
        }
        if (key.batched()) {
            // this pair's bound first, else the highest bound another pair gives, else the prior
            return bound(key, e -> e.getKey().samePair(key))
                    .or(() -> estimates.keySet().stream().filter(k -> k.sameKind(key)).map(k -> k.ofSize(key.batchSize())).distinct()
                            .map(pair -> bound(key, e -> e.getKey().samePair(pair))).flatMap(Optional::stream).max(Long::compare))
                    .orElse(defaultGasPerItem / 2);
        }
        return estimates.entrySet().stream().filter(e -> e.getKey().samePair(key) && !e.getKey().batched()).map(Map.Entry::getValue).findFirst()
                .or(() -> estimates.entrySet().stream().filter(e -> e.getKey().sameKind(key)).map(Map.Entry::getValue).max(Long::compare)
                        // a single of an unmeasured pair may cost more than a cheaper pair's (another pool, another token):
                        // its only guard is the limit it is sent with, so never below the prior
                        .map(other -> Math.max(other, defaultGasPerItem)))
                .orElse(defaultGasPerItem);
    }

    /**
     * An item of a batch size never measured, from the batch sizes measured of one pair ({@code measured}), never below what
     * it can cost: a batch's fixed part (the path's flash loan, swaps, settlement) spreads over its items, so an item costs
     * at most what one did in a smaller batch — the largest smaller size measured — and a batch costs at most what a larger
     * one did, whose whole gas then falls on fewer items (KeeperBurstIT: a two-item batch sent with the per-item gas of
     * larger ones ran out of gas).
     */
    private Optional<Long> bound(Key key, java.util.function.Predicate<Map.Entry<Key, Long>> measured) {
        List<Map.Entry<Key, Long>> sizes = estimates.entrySet().stream().filter(e -> e.getKey().batched() && measured.test(e)).toList();
        Optional<Long> fromSmaller = sizes.stream().filter(e -> e.getKey().batchSize() <= key.batchSize())
                .max(java.util.Comparator.comparingInt(e -> e.getKey().batchSize())).map(Map.Entry::getValue);
        if (fromSmaller.isPresent()) {
            return fromSmaller;
        }
        return sizes.stream().min(java.util.Comparator.comparingInt(e -> e.getKey().batchSize()))
                .map(e -> ceilDiv(e.getValue() * e.getKey().batchSize(), key.batchSize())); // gas < 2^31 × 256 items: no overflow
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** True when nothing of {@code key}'s kind has been learned yet: its estimate is the prior. */
    public boolean guessing(Key key) {
        return estimates.keySet().stream().noneMatch(k -> k.sameKind(key));
    }

    /** The gas a transaction of these items is expected to use (their keys carry the batch's size). */
    public long estimate(List<Key> items) {
        // a batch repeats a few keys (its pairs at one size) up to its size: each is estimated once (the packer asks this
        // for every plan it tries to add, each time for the whole batch)
        Map<Key, Long> each = new HashMap<>();
        long total = 0;
        for (Key item : items) {
            total += each.computeIfAbsent(item, this::estimate);
        }
        return total;
    }

    /** What a simulation or a receipt showed: {@code gasUsed} for a transaction of these items. */
    public void observe(List<Key> items, long gasUsed) {
        if (items.isEmpty() || gasUsed <= 0) {
            return;
        }
        long predicted = estimate(items);
        Map<Key, Long> shares = new HashMap<>();
        for (Key item : java.util.Set.copyOf(items)) { // each distinct key once, from the estimates before this observation
            long current = estimate(item);
            shares.put(item, Math.max(1, (gasUsed * current + predicted / 2) / predicted)); // gas < 2^31: no overflow
        }
        shares.forEach((item, share) -> {
            Long learned = estimates.get(item);
            // a first observation replaces the default (a guess); a learned value goes up at once and down gradually
            estimates.put(item, learned == null || share >= learned ? share : learned - (learned - share) / DOWN_WEIGHT_DENOMINATOR);
        });
    }
}
