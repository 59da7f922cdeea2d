package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.chain.logs.LogQuery;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every position of one Morpho Blue contract evaluated at one block, from scratch: markets from {@code CreateMarket}
 * since {@code startBlock} (or the configured ids), accounts from the position events, then one batched read of
 * totals, prices, borrow rates and positions, interest accrued to the block's timestamp as {@code accrueInterest}
 * would, and health as {@code _isHealthy} decides it. The first brick of the adapter: what {@code scan} prints and
 * what the live market will keep up to date block by block.
 */
public final class MorphoBlueScan {

    /** Blocks per eth_getLogs request: small enough for public endpoints' range limits (the stream halves it when refused). */
    static final long LOG_RANGE = 5_000;

    private final EthRpc rpc;
    private final Address morpho;
    private final long startBlock;
    private final Optional<List<String>> onlyMarkets;
    private final MorphoBlueReader reader;

    /**
     * @param onlyMarkets the configured market ids ({@code markets}); empty: every market created since {@code startBlock}
     */
    public MorphoBlueScan(EthRpc rpc, Address multicall3, Address morpho, long startBlock, Optional<List<String>> onlyMarkets) {
        this.rpc = rpc;
        this.morpho = morpho;
        this.startBlock = startBlock;
        this.onlyMarkets = onlyMarkets.map(ids -> ids.stream().map(MorphoBlueEvents::normalizedId).toList());
        this.reader = new MorphoBlueReader(rpc, multicall3, morpho);
    }

    /** One market as scanned: its params, its totals accrued to the block, the oracle's price. */
    public record ScannedMarket(String id, MarketParams params, MarketState stored, BigInteger borrowRate, MarketState accrued, BigInteger price) {
    }

    /** One account's position in one market and its health at the block. */
    public record Row(String marketId, Address account, PositionState position, PositionHealth health) {
    }

    public record Result(long block, long timestamp, List<ScannedMarket> markets, List<Row> rows) {

        public List<Row> liquidatable() {
            return rows.stream().filter(r -> r.health().liquidatable()).toList();
        }
    }

    /** Every (configured) market and position from the logs since {@code startBlock}, evaluated at {@code head}. */
    public Result scan(BlockHeader head) {
        MorphoLogs logs = new MorphoLogs(onlyMarkets.map(java.util.Set::copyOf));
        LogStream stream = new LogStream(rpc, logQuery(morpho), new InMemoryCheckpointStore(), logs, logSettings(startBlock, 0, Duration.ZERO),
                new SimpleMeterRegistry());
        stream.start();
        stream.advanceTo(head);
        return at(head, logs.markets(), logs.positions());
    }

    /** The Morpho contract's market and position events: what {@link MorphoLogs} reads. */
    static LogQuery logQuery(Address morpho) {
        List<String> topics = new ArrayList<>(MorphoBlueEvents.POSITION_EVENTS);
        topics.add(MorphoBlueEvents.CREATE_MARKET);
        return new LogQuery(List.of(morpho), topics);
    }

    /** Final blocks in ranges of {@link #LOG_RANGE} (public endpoints' common limit), the same for a scan and a monitor. */
    static LogStream.Settings logSettings(long startBlock, int confirmations, Duration checkpointEvery) {
        return new LogStream.Settings(startBlock, confirmations, LOG_RANGE, LOG_RANGE, 10_000, checkpointEvery);
    }

    /**
     * {@code created} (the markets whose creation the logs showed) with the configured ones created before {@code startBlock},
     * whose params Morpho stores by id, in configuration order after the created ones. A configured id Morpho does not know
     * is an error naming it.
     */
    Map<String, MarketParams> withConfigured(Map<String, MarketParams> created, BlockTag tag) {
        Map<String, MarketParams> markets = new LinkedHashMap<>(created);
        if (onlyMarkets.isPresent()) {
            List<String> missing = onlyMarkets.get().stream().filter(id -> !markets.containsKey(id)).toList();
            List<MarketParams> read = missing.isEmpty() ? List.of() : reader.marketParams(missing, tag);
            for (int i = 0; i < missing.size(); i++) {
                if (read.get(i).loanToken().equals(Address.ZERO) && read.get(i).collateralToken().equals(Address.ZERO)) {
                    throw new IllegalArgumentException("market " + missing.get(i) + " does not exist on the Morpho contract " + morpho);
                }
                markets.put(missing.get(i), read.get(i));
            }
        }
        return markets;
    }

    /**
     * The markets (with the configured ones created before {@code startBlock}) and the positions of {@code keys} in them,
     * read at {@code head} in one batched round per kind, with interest accrued to its timestamp.
     */
    public Result at(BlockHeader head, Map<String, MarketParams> created, java.util.Collection<MorphoBlueEvents.PositionTouched> keys) {
        BlockTag tag = BlockTag.number(head.number());
        Map<String, MarketParams> markets = withConfigured(created, tag);
        List<String> ids = List.copyOf(markets.keySet());
        List<MarketParams> params = ids.stream().map(markets::get).toList();
        List<MarketState> stored = reader.markets(ids, tag);
        List<BigInteger> rates = reader.borrowRates(params, stored, tag);
        List<BigInteger> prices = reader.prices(params.stream().map(MarketParams::oracle).toList(), tag);
        Map<String, ScannedMarket> scanned = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            MarketState accrued = InterestAccrual.accrue(stored.get(i), rates.get(i), head.timestamp()).market();
            scanned.put(ids.get(i), new ScannedMarket(ids.get(i), params.get(i), stored.get(i), rates.get(i), accrued, prices.get(i)));
        }

        List<MorphoBlueEvents.PositionTouched> read = keys.stream().filter(k -> scanned.containsKey(k.id())).toList();
        List<PositionState> positions = reader.positions(read, tag);
        List<Row> rows = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            ScannedMarket market = scanned.get(read.get(i).id());
            PositionHealth health = PositionHealth.of(positions.get(i), market.accrued(), market.price(), market.params().lltv());
            rows.add(new Row(market.id(), read.get(i).account(), positions.get(i), health));
        }
        return new Result(head.number(), head.timestamp(), List.copyOf(scanned.values()), rows);
    }
}
