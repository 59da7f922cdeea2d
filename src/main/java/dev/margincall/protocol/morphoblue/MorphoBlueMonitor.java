package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.observability.HealthFactorDistribution;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.HeadPrefetch;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Morpho Blue contract's positions evaluated block after block. Its logs come through a {@link LogStream}
 * into {@link MorphoLogs} (markets created, positions touched, liquidations), checkpointed with the stream's cursor,
 * so a restart replays only the blocks after the checkpoint and a reorg retracts exactly what it removed. Start: the
 * stream catches up, then every market and position is read at the head. Each new head, in two Multicall3 rounds
 * ({@link MorphoBlueReader#head}): every market's totals, oracle price and loan token's USD price, then its borrow rate
 * with the touched positions (read at every head: an oracle may move without an event, and interest moves every
 * block), then everyone evaluated with interest accrued to the head's timestamp.
 */
public final class MorphoBlueMonitor implements HeadListener {

    private static final Logger log = LoggerFactory.getLogger(MorphoBlueMonitor.class);

    /** New heads are checkpointed at most this often (as Aave's monitor): a block's hot path does not serialize every position. */
    private static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);

    /** Accounts below this health factor are re-evaluated at the next block's timestamp (interest over one block is far smaller). */
    public static final BigInteger NEAR_LIQUIDATION = new BigInteger("1001000000000000000");

    /**
     * @param confirmations blocks below the head after which a block is final (its logs are no longer kept for a reorg)
     * @param markets       the configured market ids; empty: every market created since {@code startBlock}
     */
    public record Settings(Address morpho, Address multicall3, long startBlock, int confirmations, Optional<List<String>> markets) {
    }

    /** A Liquidate event and where it was seen. */
    public record Seen(MorphoBlueEvents.Liquidated event, long block, String transactionHash) {
    }

    private final EthRpc rpc;
    private final Settings settings;
    private final MorphoBlueReader reader;
    private final MorphoBlueScan scan;
    private final UsdPrices usd;
    private final CheckpointStore checkpoints;
    private final MeterRegistry registry;
    private final Timer blockUpdate;
    private final Tags labels;
    private final Counter silentMoves;
    private final HealthFactorDistribution healthFactors;
    private final BigInteger[] hfBounds;

    private final Map<String, MorphoBlueScan.ScannedMarket> markets = new LinkedHashMap<>();
    private final Map<MorphoBlueEvents.PositionTouched, PositionState> positions = new LinkedHashMap<>();
    private final Map<MorphoBlueEvents.PositionTouched, PositionHealth> health = new LinkedHashMap<>();
    /** Each account's positions, so one account's opportunity does not walk every position. */
    private final Map<Address, List<MorphoBlueEvents.PositionTouched>> byAccount = new LinkedHashMap<>();
    private final Map<Address, Integer> decimals = new LinkedHashMap<>();
    /** Every market watched: those the logs created and the configured ones created before {@code startBlock}. */
    private Map<String, MarketParams> params = Map.of();
    private MorphoLogs logs;
    private LogStream stream;
    private Map<Address, BigInteger> usdPrices = Map.of();
    private final Set<Address> unpricedWarned = new java.util.HashSet<>();
    private long evaluatedBlock = -1;
    private long evaluatedTimestamp;
    /** The accounts with an indebted position below {@link #NEAR_LIQUIDATION}, largest USD debt first: made by each evaluation. */
    private List<Address> nearLiquidation = List.of();
    private volatile int liquidatable;
    private volatile int accountCount;
    /** The markets' state at a coming head, being read beside its logs ({@link #prefetch}); taken by that head's update. */
    private final HeadPrefetch<MorphoBlueReader.HeadReads> prefetched;

    /**
     * @param checkpoints where the log stream's checkpoint (cursor and {@link MorphoLogs}' state) is kept
     * @param marketName  the {@code market} label of its metrics: the configured name, else the Morpho contract
     */
    public MorphoBlueMonitor(EthRpc rpc, Settings settings, UsdPrices usd, CheckpointStore checkpoints, MeterRegistry registry, String marketName) {
        this.rpc = rpc;
        this.settings = settings;
        this.reader = new MorphoBlueReader(rpc, settings.multicall3(), settings.morpho());
        this.scan = new MorphoBlueScan(rpc, settings.multicall3(), settings.morpho(), settings.startBlock(), settings.markets());
        this.usd = usd;
        this.checkpoints = checkpoints;
        this.registry = registry;
        // the same meters as Aave's monitor, told apart by the protocol label (dashboards and alerts select on it)
        this.labels = Tags.of("protocol", PROTOCOL, "market", marketName);
        this.blockUpdate = Timer.builder(MetricNames.BLOCK_UPDATE).tags(labels).register(registry);
        // Morpho's oracles emit no event: every move is seen by reading each market's price() every head
        this.silentMoves = Counter.builder(MetricNames.PRICE_CHANGES).tags(labels).tag("trigger", "silent").register(registry);
        Gauge.builder(MetricNames.ACCOUNTS_TRACKED, this, m -> m.accountCount).tag("protocol", PROTOCOL).tag("market", marketName).register(registry);
        Gauge.builder(MetricNames.ACCOUNTS_LIQUIDATABLE, this, m -> m.liquidatable).tag("protocol", PROTOCOL).tag("market", marketName)
                .register(registry);
        this.prefetched = new HeadPrefetch<>(registry, labels);
        this.healthFactors = new HealthFactorDistribution(registry, PROTOCOL, marketName);
        this.hfBounds = java.util.Arrays.stream(healthFactors.boundsWad()).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
    }

    /** The {@code protocol} label of its metrics and the config's type. */
    public static final String PROTOCOL = "morpho-blue";

    /**
     * Follows the logs to {@code head} (from the checkpoint, if one of this chain's history is there, else from
     * {@code startBlock}), then reads every market and position at the head: the state the following blocks update.
     */
    public synchronized void start(BlockHeader head) {
        logs = new MorphoLogs(settings.markets().map(ids -> Set.copyOf(ids.stream().map(MorphoBlueEvents::normalizedId).toList())));
        stream = new LogStream(rpc, MorphoBlueScan.logQuery(settings.morpho()), checkpoints, logs,
                MorphoBlueScan.logSettings(settings.startBlock(), settings.confirmations(), CHECKPOINT_EVERY), registry, labels);
        stream.start();
        stream.advanceTo(head);
        logs.drainTouched(); // every position is read below
        logs.drainMarketsChanged();
        logs.drainLiquidations(); // history: not liquidations the keeper could have taken part in
        MorphoBlueScan.Result scanned = scan.at(head, logs.markets(), logs.positions());
        markets.clear();
        positions.clear();
        health.clear();
        byAccount.clear();
        scanned.markets().forEach(m -> markets.put(m.id(), m));
        params = paramsOf(markets.values());
        for (MorphoBlueScan.Row row : scanned.rows()) {
            MorphoBlueEvents.PositionTouched key = new MorphoBlueEvents.PositionTouched(row.marketId(), row.account());
            putPosition(key, row.position());
            health.put(key, row.health());
        }
        refreshTokens(head.number());
        finishEvaluation(head);
        log.info("Morpho Blue {}: {} markets, {} positions, {} liquidatable at block {}", settings.morpho(), markets.size(), positions.size(),
                liquidatable, head.number());
    }

    /** Retracts the logs of the removed blocks: their positions are re-read (or forgotten) and their markets dropped at the next head. */
    @Override
    public synchronized void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        stream.rollback(commonAncestor); // also retracts the removed blocks' liquidations not drained yet
    }

    /** A block's Morpho events (markets created, positions touched, liquidations); the state is read at {@link #onHead}. */
    @Override
    public synchronized void onBlock(BlockHeader header) {
        stream.advanceTo(header);
    }

    @Override
    public void onHead(BlockHeader head) {
        blockUpdate.record(() -> update(head));
    }

    /**
     * Starts reading the markets' state at {@code newest} (both rounds, without positions) on another thread, so that it
     * comes back while the blocks' logs are read: that head's update then reads only the positions its logs touched, if
     * any, in a request of their own. The keeper asks for it in a crash's hot spell, as it asks Aave's monitor.
     */
    public synchronized void prefetch(BlockHeader newest) {
        if (logs == null) {
            return;
        }
        Map<String, MarketParams> watched = params;
        List<String> ids = List.copyOf(watched.keySet());
        List<MarketParams> marketParams = ids.stream().map(watched::get).toList();
        BlockTag tag = BlockTag.number(newest.number());
        // used only on the markets watched now (a market created in the head's logs makes a new map)
        prefetched.start(newest, watched, () -> readHead(ids, marketParams, List.of(), tag));
    }

    /** The head's reads of these markets (ids and params in the same order) and of the positions {@code keys}. */
    private MorphoBlueReader.HeadReads readHead(List<String> ids, List<MarketParams> marketParams, List<MorphoBlueEvents.PositionTouched> keys,
                                                BlockTag tag) {
        return reader.head(marketParams, ids, marketParams.stream().map(MarketParams::loanToken).distinct().toList(), usd, keys, tag);
    }

    private synchronized void update(BlockHeader head) {
        stream.advanceTo(head); // a no-op after onBlock(head); a head not announced block by block still brings its logs
        BlockTag tag = BlockTag.number(head.number());
        if (logs.drainMarketsChanged()) {
            params = scan.withConfigured(logs.markets(), tag);
        }
        List<String> ids = List.copyOf(params.keySet());
        List<MarketParams> marketParams = ids.stream().map(params::get).toList();
        // read before they are forgotten: a failed read leaves them touched, and the next head reads them
        List<MorphoBlueEvents.PositionTouched> touched = logs.drainTouched();
        List<MorphoBlueEvents.PositionTouched> keys = touched.stream().filter(k -> logs.known(k) && params.containsKey(k.id())).toList();
        MorphoBlueReader.HeadReads reads;
        List<MarketState> accrued = new ArrayList<>();
        try {
            reads = prefetched.take(head, params).map(early -> early.withPositions(keys.isEmpty() ? List.of() : reader.positions(keys, tag)))
                    .orElseGet(() -> readHead(ids, marketParams, keys, tag));
            for (int i = 0; i < ids.size(); i++) { // before anything changes: a market the node says was updated after this head throws
                accrued.add(InterestAccrual.accrue(reads.stored().get(i), reads.rates().get(i), head.timestamp()).market());
            }
        } catch (RuntimeException e) {
            logs.touchAgain(touched);
            throw e;
        }
        List<MarketState> stored = reads.stored();
        List<BigInteger> rates = reads.rates();
        List<BigInteger> prices = reads.prices();
        for (int i = 0; i < ids.size(); i++) {
            MorphoBlueScan.ScannedMarket before = markets.get(ids.get(i));
            if (before != null && !before.price().equals(prices.get(i))) {
                silentMoves.increment();
                log.atInfo().addKeyValue("event", "price").addKeyValue("market", ids.get(i)).addKeyValue("block", head.number())
                        .addKeyValue("from", before.price()).addKeyValue("to", prices.get(i)).addKeyValue("trigger", "silent").log("Morpho oracle price moved");
            }
        }
        markets.clear();
        for (int i = 0; i < ids.size(); i++) {
            markets.put(ids.get(i), new MorphoBlueScan.ScannedMarket(ids.get(i), marketParams.get(i), stored.get(i), rates.get(i), accrued.get(i),
                    prices.get(i)));
        }
        List<PositionState> read = reads.positions();
        touched.stream().filter(k -> !logs.known(k) || !markets.containsKey(k.id())).forEach(this::forget); // a reorg took back all its events
        for (int i = 0; i < keys.size(); i++) {
            putPosition(keys.get(i), read.get(i));
        }
        for (Map.Entry<MorphoBlueEvents.PositionTouched, PositionState> e : positions.entrySet()) {
            MorphoBlueScan.ScannedMarket market = markets.get(e.getKey().id());
            health.put(e.getKey(), PositionHealth.of(e.getValue(), market.accrued(), market.price(), market.params().lltv()));
        }
        readDecimals(tag);
        usdPrices = reads.usdPrices();
        warnUnpriced(head.number());
        finishEvaluation(head);
    }

    private static Map<String, MarketParams> paramsOf(java.util.Collection<MorphoBlueScan.ScannedMarket> scanned) {
        Map<String, MarketParams> out = new LinkedHashMap<>();
        scanned.forEach(m -> out.put(m.id(), m.params()));
        return out;
    }

    /** Writes the log checkpoint if blocks since the last one are not in it: on a graceful stop. */
    public synchronized void flush() {
        if (stream != null) {
            stream.flush();
        }
    }

    private void forget(MorphoBlueEvents.PositionTouched key) {
        if (positions.remove(key) != null) {
            health.remove(key);
            List<MorphoBlueEvents.PositionTouched> held = byAccount.get(key.account());
            held.remove(key);
            if (held.isEmpty()) {
                byAccount.remove(key.account());
            }
        }
    }

    private void putPosition(MorphoBlueEvents.PositionTouched key, PositionState position) {
        if (positions.put(key, position) == null) {
            byAccount.computeIfAbsent(key.account(), a -> new ArrayList<>()).add(key);
        }
    }

    private void finishEvaluation(BlockHeader head) {
        long[] counts = new long[hfBounds.length + 1];
        int count = 0;
        Map<Address, BigInteger> nearDebtUsd = new java.util.HashMap<>();
        for (Map.Entry<MorphoBlueEvents.PositionTouched, PositionHealth> e : health.entrySet()) {
            PositionHealth h = e.getValue();
            count += h.liquidatable() ? 1 : 0;
            if (h.borrowed().signum() > 0) {
                counts[bucket(h.healthFactor())]++;
                if (h.healthFactor().compareTo(NEAR_LIQUIDATION) < 0) {
                    nearDebtUsd.merge(e.getKey().account(), debtUsd(e.getKey().id(), h.borrowed()), BigInteger::add);
                }
            }
        }
        healthFactors.publishCounts(counts);
        java.util.Comparator<Address> largestDebtFirst = java.util.Comparator.<Address, BigInteger>comparing(nearDebtUsd::get,
                java.util.Comparator.reverseOrder()).thenComparing(java.util.Comparator.<Address>naturalOrder());
        nearLiquidation = nearDebtUsd.keySet().stream().sorted(largestDebtFirst).toList();
        liquidatable = count;
        accountCount = byAccount.size();
        evaluatedBlock = head.number();
        evaluatedTimestamp = head.timestamp();
    }

    /**
     * What a position owes in USD (the loan token's USD price, 8 decimals, per whole token), for ranking only; 0 when the loan
     * token has no USD price or no decimals read yet.
     */
    private BigInteger debtUsd(String marketId, BigInteger borrowed) {
        MorphoBlueScan.ScannedMarket market = markets.get(marketId);
        Address loan = market == null ? null : market.params().loanToken();
        BigInteger price = loan == null ? null : usdPrices.get(loan);
        Integer places = loan == null ? null : decimals.get(loan);
        return price == null || places == null ? BigInteger.ZERO : borrowed.multiply(price).divide(BigInteger.TEN.pow(places));
    }

    /** The health-factor bucket of an indebted position: the first bound at or above it, else the last (+Inf). */
    private int bucket(BigInteger healthFactor) {
        for (int i = 0; i < hfBounds.length; i++) {
            if (healthFactor.compareTo(hfBounds[i]) <= 0) {
                return i;
            }
        }
        return hfBounds.length;
    }

    /** Decimals of tokens not seen before (one Multicall3 round), and the loan tokens' USD prices: at start. */
    private void refreshTokens(long block) {
        BlockTag tag = BlockTag.number(block);
        readDecimals(tag);
        usdPrices = usd.prices(markets.values().stream().map(m -> m.params().loanToken()).distinct().toList(), tag);
        warnUnpriced(block);
    }

    /**
     * One warning per loan token that the USD price source does not price (again if it loses its price later): its markets'
     * positions are tracked and evaluated, but never liquidated, as no profit can be valued against {@code minProfitUsd}.
     */
    private void warnUnpriced(long block) {
        for (MorphoBlueScan.ScannedMarket market : markets.values()) {
            Address loan = market.params().loanToken();
            if (usdPrices.containsKey(loan)) {
                unpricedWarned.remove(loan);
            } else if (unpricedWarned.add(loan)) {
                log.atWarn().addKeyValue("event", "unpriced").addKeyValue("market", market.id()).addKeyValue("loanToken", loan)
                        .addKeyValue("block", block).log("Morpho market lends a token the USD price source (aaveOracle) does not price: its "
                                + "positions are evaluated but never liquidated (no USD value for a profit); give it a price source to liquidate them");
            }
        }
    }

    /** Decimals of tokens not seen before (one Multicall3 round; none once every market's tokens are known). */
    private void readDecimals(BlockTag tag) {
        List<Address> unknown = assets().stream().filter(a -> !decimals.containsKey(a)).toList();
        if (!unknown.isEmpty()) {
            List<String> answers = new Multicall3(rpc, settings.multicall3()).aggregate3AllSucceeding(
                    unknown.stream().map(a -> new Multicall3.Call(a, Abi.call("decimals()"))).toList(), tag, i -> "decimals() of " + unknown.get(i));
            for (int i = 0; i < unknown.size(); i++) {
                decimals.put(unknown.get(i), Abi.decodeUint(answers.get(i)).intValueExact());
            }
        }
    }

    // --- what the market reads --------------------------------------------------------------------

    public synchronized long evaluatedBlock() {
        return evaluatedBlock;
    }

    public synchronized long evaluatedTimestamp() {
        return evaluatedTimestamp;
    }

    public int liquidatableCount() {
        return liquidatable;
    }

    public synchronized List<MorphoBlueScan.ScannedMarket> markets() {
        return List.copyOf(markets.values());
    }

    public synchronized Optional<MorphoBlueScan.ScannedMarket> market(String id) {
        return Optional.ofNullable(markets.get(id));
    }

    /** Every (market, account) with a position. */
    public synchronized Map<MorphoBlueEvents.PositionTouched, PositionState> positions() {
        return Map.copyOf(positions);
    }

    /** Every account with a position in a watched market. */
    public synchronized List<Address> accounts() {
        return byAccount.keySet().stream().sorted().toList();
    }

    public int accountCount() {
        return accountCount;
    }

    /** {@code account}'s positions, by market id. */
    public synchronized Map<String, PositionState> positionsOf(Address account) {
        Map<String, PositionState> out = new LinkedHashMap<>();
        for (MorphoBlueEvents.PositionTouched key : byAccount.getOrDefault(account, List.of())) {
            out.put(key.id(), positions.get(key));
        }
        return out;
    }

    /**
     * The accounts with an indebted position below {@link #NEAR_LIQUIDATION} at the last evaluation, largest debt (in USD, over
     * their positions near liquidation) first, as Aave's: the keeper's express transaction goes to the first liquidatable one.
     * Gathered by the evaluation's own pass over every position, so a crash head does not copy the whole book again to find
     * them (3,000 positions: a copy of the health map on the way to the first transaction).
     */
    public synchronized List<Address> accountsNearLiquidation() {
        return nearLiquidation;
    }

    public synchronized Map<MorphoBlueEvents.PositionTouched, PositionHealth> health() {
        return Map.copyOf(health);
    }

    public synchronized List<Address> assets() {
        Set<Address> assets = new LinkedHashSet<>();
        markets.values().forEach(m -> {
            assets.add(m.params().loanToken());
            assets.add(m.params().collateralToken());
        });
        return List.copyOf(assets);
    }

    public synchronized int decimals(Address token) {
        Integer known = decimals.get(token);
        if (known == null) {
            throw new IllegalStateException("no decimals read for " + token);
        }
        return known;
    }

    /** The USD price (value unit) of a loan token at the last head; absent when the price source has none. */
    public synchronized Optional<BigInteger> usdPrice(Address loanToken) {
        return Optional.ofNullable(usdPrices.get(loanToken));
    }

    /** The ERC-20 symbols of the markets' tokens (display only), read at {@code tag}. */
    public Map<Address, String> symbols(BlockTag tag) {
        return dev.margincall.chain.abi.TokenSymbols.read(rpc, assets(), tag);
    }

    /** The Liquidate events of the blocks delivered since the last call (those a reorg removed meanwhile are retracted). */
    public synchronized List<Seen> drainLiquidations() {
        return logs == null ? List.of() : logs.drainLiquidations().stream().map(s -> new Seen(s.event(), s.block(), s.transactionHash())).toList();
    }
}
