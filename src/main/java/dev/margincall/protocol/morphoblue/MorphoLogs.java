package dev.margincall.protocol.morphoblue;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.logs.LogSink;
import dev.margincall.chain.logs.PendingEvents;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one Morpho contract's logs say, as a {@link dev.margincall.chain.logs.LogStream} delivers them: the markets
 * created (with their params, which only the event carries whole), every (market, account) an event touched, and the
 * liquidations. Markets and positions are the checkpointed state, so a restart resumes from the cursor instead of
 * rescanning from {@code startBlock}.
 *
 * <p>Each position keeps the number of its events: a reorg that retracts them all forgets the position, one that
 * retracts some leaves it known and touched (its state is re-read), so after a rollback the set is exactly what a scan
 * of the new chain would find. A retracted {@code CreateMarket} forgets its market (its positions' events, later in the
 * chain, were retracted first).
 */
final class MorphoLogs implements LogSink {

    /**
     * The checkpointed state: markets in creation order, and each market's accounts (lower-case hex: an EIP-55 checksum
     * costs a keccak per account on every checkpoint) with their event counts.
     */
    private record Snapshot(List<MarketParams> markets, Map<String, Map<String, Integer>> positions) {
    }

    private final Optional<Set<String>> onlyMarkets;
    private final Map<String, MarketParams> markets = new LinkedHashMap<>();
    private final Map<MorphoBlueEvents.PositionTouched, Integer> events = new LinkedHashMap<>();
    private final Set<MorphoBlueEvents.PositionTouched> touched = new LinkedHashSet<>();
    private final PendingEvents<MorphoBlueEvents.Liquidated> liquidations = new PendingEvents<>(MorphoBlueEvents::liquidated);
    private boolean marketsChanged;

    /** @param onlyMarkets the configured market ids (normalized); empty: every market created since the start block */
    MorphoLogs(Optional<Set<String>> onlyMarkets) {
        this.onlyMarkets = onlyMarkets;
    }

    @Override
    public void onLogs(BlockRef upTo, List<LogEntry> logs) {
        for (LogEntry log : logs) {
            MorphoBlueEvents.marketCreated(log).filter(created -> onlyMarkets.map(ids -> ids.contains(created.id())).orElse(true))
                    .ifPresent(created -> {
                        markets.put(created.id(), created.params());
                        marketsChanged = true;
                    });
            MorphoBlueEvents.positionTouched(log).filter(this::watched).ifPresent(key -> {
                events.merge(key, 1, Integer::sum);
                touched.add(key);
            });
        }
        liquidations.onLogs(logs);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<LogEntry> retracted) {
        for (LogEntry log : retracted) {
            MorphoBlueEvents.marketCreated(log).ifPresent(created -> marketsChanged |= markets.remove(created.id()) != null);
            MorphoBlueEvents.positionTouched(log).filter(events::containsKey).ifPresent(key -> {
                if (events.merge(key, -1, Integer::sum) == 0) {
                    events.remove(key);
                }
                touched.add(key); // known still: re-read; forgotten: dropped by the monitor
            });
        }
        liquidations.onRetracted(retracted);
    }

    /** A configured market, or (no list configured) one whose creation was seen: a position event follows its market's creation. */
    private boolean watched(MorphoBlueEvents.PositionTouched key) {
        return onlyMarkets.map(ids -> ids.contains(key.id())).orElseGet(() -> markets.containsKey(key.id()));
    }

    /** The markets whose {@code CreateMarket} was delivered (and not retracted), in creation order. */
    Map<String, MarketParams> markets() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(markets)); // in creation order: scan rows and reads follow it
    }

    /** True once when markets were created or retracted since the last call. */
    boolean drainMarketsChanged() {
        boolean changed = marketsChanged;
        marketsChanged = false;
        return changed;
    }

    /** Every position an event touched (and that no reorg took back entirely), in the order of their first events. */
    Set<MorphoBlueEvents.PositionTouched> positions() {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(events.keySet()));
    }

    boolean known(MorphoBlueEvents.PositionTouched key) {
        return events.containsKey(key);
    }

    /** Positions touched (or retracted) since the last call. */
    List<MorphoBlueEvents.PositionTouched> drainTouched() {
        List<MorphoBlueEvents.PositionTouched> out = List.copyOf(touched);
        touched.clear();
        return out;
    }

    /** Positions drained but not read after all (the read failed): the next head reads them. */
    void touchAgain(List<MorphoBlueEvents.PositionTouched> keys) {
        touched.addAll(keys);
    }

    List<PendingEvents.Seen<MorphoBlueEvents.Liquidated>> drainLiquidations() {
        return liquidations.drain();
    }

    @Override
    public String snapshot() {
        Map<String, Map<String, Integer>> byMarket = new LinkedHashMap<>();
        events.forEach((key, count) -> byMarket.computeIfAbsent(key.id(), id -> new LinkedHashMap<>()).put(key.account().hex(), count));
        try {
            return ChainJson.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(new Snapshot(List.copyOf(markets.values()), byMarket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(String snapshot) {
        Snapshot saved;
        try {
            saved = ChainJson.MAPPER.readValue(snapshot, Snapshot.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the Morpho checkpoint's state cannot be read: " + e.getMessage(), e);
        }
        markets.clear();
        events.clear();
        saved.markets().forEach(params -> markets.put(params.id(), params));
        saved.positions().forEach((id, accounts) -> accounts.forEach((account, count) ->
                events.put(new MorphoBlueEvents.PositionTouched(id, Address.of(account)), count)));
        marketsChanged = true;
    }
}
