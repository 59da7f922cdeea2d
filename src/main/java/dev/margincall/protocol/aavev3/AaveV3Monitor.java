package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.HeadPrefetch;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.chain.logs.LogQuery;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.chain.logs.PendingEvents;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.HealthFactorDistribution;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.LiquidationCandidate;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an Aave V3 market's accounts evaluated block after block. Each block: the market's events
 * (account discovery, touched accounts). Each new head (the newest block, once caught up): the reserves'
 * state and every oracle price (read at every head, so a price written into a feed's storage without an
 * event is still seen), the touched accounts' positions, one evaluation of everyone, then shadow verification of a random sample against
 * {@code getUserAccountData}: a disagreement is counted, logged with both values, and the account is
 * re-read from the chain. Never silently trusts a diverging local state.
 */
public final class AaveV3Monitor implements HeadListener {

    private static final Logger log = LoggerFactory.getLogger(AaveV3Monitor.class);

    /** New heads are checkpointed at most this often: a block's hot path does not serialize the whole account set. */
    private static final java.time.Duration CHECKPOINT_EVERY = java.time.Duration.ofSeconds(10);

    /** @param sampleSize accounts re-checked with getUserAccountData each block (0 disables shadow verification) */
    public record Settings(long startBlock, int confirmations, int sampleSize, long randomSeed) {
    }

    private final EthRpc rpc;
    private final Address multicall3;
    private final Address addressesProvider;
    private final Settings settings;
    private final CheckpointStore checkpoints;
    private final MeterRegistry registry;
    private final io.micrometer.core.instrument.Tags labels;
    private final AaveV3Reader reader;
    private final Random random;
    private final Counter shadowChecks;
    private final Counter shadowMismatches;
    private final Timer blockUpdate;
    private final HealthFactorDistribution healthFactors;
    private final Counter announcedMoves;
    private final Counter silentMoves;
    /** The block state of a coming head, being read beside its logs ({@link #prefetch}); taken by that head's update. */
    private final HeadPrefetch<AaveV3Reader.HeadState> prefetched;

    private AaveV3Contracts contracts;
    private Market market;
    private AccountSet accounts;
    private OracleEvents oracleEvents;
    private PendingEvents<LiquidationCallEvent> liquidations;
    private LogStream stream;
    private AaveV3Book book;
    private Map<Address, BigInteger> prices;
    private volatile int liquidatable;
    private volatile long evaluatedBlock = -1;
    /** A head begun by {@link #onHeadNearFirst}: its shadow sample as the chain answered, verified at {@link #finishHead}. */
    private List<UserAccountData> unverified;
    private BlockTag unverifiedAt;

    /** A monitor whose metrics are labelled with the market's address (a market without a configured name). */
    public AaveV3Monitor(EthRpc rpc, Address multicall3, Address addressesProvider, Settings settings, CheckpointStore checkpoints,
                         MeterRegistry registry) {
        this(rpc, multicall3, addressesProvider, addressesProvider.toString(), settings, checkpoints, registry);
    }

    /** @param marketName the {@code market} label of its metrics: the configured name, or the PoolAddressesProvider */
    public AaveV3Monitor(EthRpc rpc, Address multicall3, Address addressesProvider, String marketName, Settings settings, CheckpointStore checkpoints,
                         MeterRegistry registry) {
        this.rpc = rpc;
        this.multicall3 = multicall3;
        this.addressesProvider = addressesProvider;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.registry = registry;
        this.reader = new AaveV3Reader(rpc, multicall3);
        this.labels = io.micrometer.core.instrument.Tags.of("protocol", AaveV3Scanner.PROTOCOL, "market", marketName);
        this.random = new Random(settings.randomSeed());
        this.shadowChecks = Counter.builder(MetricNames.SHADOW_CHECKS).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).register(registry);
        this.shadowMismatches = Counter.builder(MetricNames.SHADOW_MISMATCHES).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).register(registry);
        this.blockUpdate = Timer.builder(MetricNames.BLOCK_UPDATE).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).register(registry);
        Gauge.builder(MetricNames.ACCOUNTS_TRACKED, this, m -> m.book == null ? 0 : m.book.size())
                .tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).register(registry);
        Gauge.builder(MetricNames.ACCOUNTS_LIQUIDATABLE, this, m -> m.liquidatable).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).register(registry);
        this.healthFactors = new HealthFactorDistribution(registry, AaveV3Scanner.PROTOCOL, marketName);
        this.announcedMoves = Counter.builder(MetricNames.PRICE_CHANGES).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).tag("trigger", "event").register(registry);
        this.silentMoves = Counter.builder(MetricNames.PRICE_CHANGES).tag("protocol", AaveV3Scanner.PROTOCOL).tag("market", marketName).tag("trigger", "silent").register(registry);
        this.prefetched = new HeadPrefetch<>(registry, labels);
    }

    /** Backfills to {@code head}, reads every account and evaluates it: the state the following blocks update. */
    public void start(BlockHeader head) {
        BlockTag tag = BlockTag.number(head.number());
        contracts = reader.discover(addressesProvider, tag);
        market = reader.loadMarket(contracts, tag);
        oracleEvents = new OracleEvents(contracts.oracle(), reader.loadSources(contracts, market, tag));
        accounts = new AccountSet(contracts.pool());
        Address pool = contracts.pool();
        liquidations = new PendingEvents<>(log -> log.address().equals(pool) && LiquidationCallEvent.matches(log)
                ? java.util.Optional.of(LiquidationCallEvent.decode(log)) : java.util.Optional.empty());
        stream = new LogStream(rpc, logQuery(), checkpoints, new MarketLogs(accounts, oracleEvents, liquidations),
                new LogStream.Settings(settings.startBlock(), settings.confirmations(), 2_000, 2_000, 10_000, CHECKPOINT_EVERY), registry, labels);
        stream.start();
        stream.advanceTo(head);
        accounts.drainTouched();
        liquidations.drain(); // history: not liquidations the keeper could have taken part in
        oracleEvents.drainAnnounced(); // history: the prices are read at the head below
        oracleEvents.drainNewSources();
        prices = reader.loadPrices(contracts, market, tag);
        book = new AaveV3Book(market, prices, head.timestamp());
        book.updatePositions(reader.loadPositions(contracts, market, accounts.all(), tag));
        liquidatable = countLiquidatable();
        evaluatedBlock = head.number();
        log.info("aave-v3 {}: {} accounts at block {}, {} liquidatable", contracts.pool(), book.size(), head.number(), liquidatable);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        stream.rollback(commonAncestor); // retracted logs mark their accounts touched: re-read at the next block
    }

    /** A block's events (discovery, touched accounts, oracle source changes); its state is read at {@link #onHead}. */
    @Override
    public void onBlock(BlockHeader header) {
        stream.advanceTo(header);
        Map<Address, Address> newSources = oracleEvents.drainNewSources();
        if (!newSources.isEmpty()) {
            stream.watch(logQuery());
            log.info("price sources changed at block {}: {}; watching their AnswerUpdated from the next block", header.number(), newSources);
        }
    }

    /**
     * The newest block: reserves, prices and the touched accounts are read at it, and everyone is evaluated
     * once. Blocks the monitor caught up on before it only contributed their events, so falling behind
     * costs one state read, not one per block, and nothing is evaluated on a state that is already old.
     */
    @Override
    public void onHead(BlockHeader head) {
        blockUpdate.record(() -> update(head, false));
    }

    /**
     * {@link #onHead}, evaluating at once only the accounts this block's liquidations can come from
     * ({@link AaveV3Book#updateBlockNearFirst}); {@link #finishHead} evaluates the others, verifies the shadow sample and
     * counts. The keeper's way: the rest waits until its transactions are out.
     */
    public void onHeadNearFirst(BlockHeader head) {
        blockUpdate.record(() -> update(head, true));
    }

    /** Completes a head begun by {@link #onHeadNearFirst}: every account evaluated, the shadow sample verified, the counts published. */
    public void finishHead() {
        if (unverified == null) {
            return;
        }
        book.finishBlock();
        shadowVerify(unverified, unverifiedAt);
        unverified = null;
        liquidatable = countLiquidatable();
    }

    /**
     * Starts reading the block state (reserves, prices, shadow sample) at {@code newest} on another thread, so that it
     * comes back while the blocks' logs are read: the update at that head then reads only the positions its logs touched,
     * if any, in a request of its own (one more than the single read that carries them otherwise). The keeper asks for
     * it in a crash's hot spell: at a crash head (bench, 10,000 borrowers) the logs take ~1.5 ms and the block state ~2 ms,
     * one after the other without it.
     */
    public void prefetch(BlockHeader newest) {
        if (book == null) {
            return;
        }
        Market previous = market;
        AaveV3Contracts read = contracts;
        List<Address> sample = shadowSample();
        BlockTag tag = BlockTag.number(newest.number());
        // used only on the market known now: the reserves the read is made for
        prefetched.start(newest, previous, () -> reader.loadHead(read, previous, sample, List.of(), account -> null, tag));
    }

    private void update(BlockHeader header, boolean nearFirst) {
        BlockTag tag = BlockTag.number(header.number());
        // drained only once their positions are in the book: a failed read leaves them touched, the next head (same or newer) reads them
        List<Address> touched = List.copyOf(accounts.touched());
        Function<Address, BigInteger> lastConfiguration = account -> book.position(account).map(Position::userConfiguration).orElse(null);
        AaveV3Reader.HeadState read = prefetched.take(header, market).map(AaveV3Reader.HeadState::state)
                .map(state -> new AaveV3Reader.HeadState(state, touched.isEmpty() ? List.of()
                        : reader.loadPositions(contracts, state.market(), touched, lastConfiguration, tag)))
                .orElseGet(() -> reader.loadHead(contracts, market, shadowSample(), touched, lastConfiguration, tag));
        AaveV3Reader.BlockState state = read.state();
        List<Position> positions = read.positions();
        if (!oracleEvents.prices(AaveV3Reader.pricedAssets(state.market()))) {
            oracleEvents.assign(reader.loadSources(contracts, state.market(), tag)); // a reserve was listed
            stream.watch(logQuery());
        }
        market = state.market();
        if (positions.stream().anyMatch(p -> p.eModeCategory() != 0 && !market.eModeCategories().containsKey(p.eModeCategory()))) {
            market = reader.reloadEModes(contracts, market, tag); // 3.2+: a category added after the start
        }
        countPriceChanges(prices, state.prices(), oracleEvents.drainAnnounced(), header.number());
        prices = state.prices();
        if (!positions.isEmpty()) {
            book.updatePositions(positions);
        }
        accounts.drainTouched(); // their positions are in the book (the eMode reload above may fail: see the copy's comment)
        // the shadow sample needs no evaluation now: it is verified at finishHead, when everyone is evaluated
        if (nearFirst) {
            book.updateBlockNearFirst(market, state.prices(), header.timestamp(), touched);
        } else {
            book.updateBlock(market, state.prices(), header.timestamp());
        }
        unverified = state.sampled();
        unverifiedAt = tag;
        if (!nearFirst) {
            finishHead(); // the book is whole already: verify and count now
        }
        evaluatedBlock = header.number();
    }

    /** The Pool's LiquidationCall events of the blocks applied since the last call. */
    List<PendingEvents.Seen<LiquidationCallEvent>> drainLiquidations() {
        return liquidations.drain();
    }

    /** The block the book was last evaluated at (-1 before the first): what the keeper's decisions rest on. */
    public long evaluatedBlock() {
        return evaluatedBlock;
    }

    /** The market's logs: the Pool's and aTokens' position events, the oracle's source changes and the sources' answers. */
    private LogQuery logQuery() {
        List<Address> watched = new ArrayList<>(List.of(contracts.pool()));
        market.reservesById().stream().filter(Objects::nonNull).map(Reserve::aToken).forEach(watched::add);
        oracleEvents.watched().stream().sorted().forEach(watched::add);
        List<String> topics = new ArrayList<>(AaveV3Events.topics());
        topics.addAll(OracleEvents.topics());
        return new LogQuery(watched, topics);
    }

    /**
     * Counts the prices that moved, by whether an oracle or feed event announced the move: a silent one
     * (a feed written without an event, a source that emits none) was caught only by reading every price
     * every block, which operators should know happens.
     */
    private void countPriceChanges(Map<Address, BigInteger> before, Map<Address, BigInteger> after, Set<Address> announced, long block) {
        after.forEach((asset, price) -> {
            BigInteger old = before.get(asset);
            if (old != null && !old.equals(price)) {
                boolean event = announced.contains(asset);
                (event ? announcedMoves : silentMoves).increment();
                log.atInfo().addKeyValue("event", "price").addKeyValue("asset", asset).addKeyValue("block", block)
                        .addKeyValue("from", old).addKeyValue("to", price).addKeyValue("trigger", event ? "event" : "silent")
                        .log("oracle price moved");
            }
        });
    }

    /** Distinct accounts drawn at random from the book (its size, not a copy of it, is the cost). */
    private List<Address> shadowSample() {
        int size = book.size();
        int wanted = Math.min(Math.max(settings.sampleSize(), 0), size);
        Set<Integer> picked = new LinkedHashSet<>();
        while (picked.size() < wanted) {
            picked.add(random.nextInt(size));
        }
        return picked.stream().map(book::accountAt).toList();
    }

    /**
     * Compares the sample's local evaluation with the protocol's own answer at the same block (read with
     * the block's state); re-reads whoever disagrees.
     */
    private void shadowVerify(List<UserAccountData> onChain, BlockTag tag) {
        shadowChecks.increment(onChain.size());
        List<Address> diverging = new ArrayList<>();
        for (UserAccountData chain : onChain) {
            AccountData local = book.evaluation(chain.account()).orElse(null);
            if (local == null) {
                continue; // left the book in this block's update
            }
            if (!local.healthFactor().equals(chain.healthFactor()) || !local.totalCollateralBase().equals(chain.totalCollateralBase())
                    || !local.totalDebtBase().equals(chain.totalDebtBase())) {
                shadowMismatches.increment();
                log.error("shadow verification: {} differs at {}: local HF {} collateral {} debt {}, chain HF {} collateral {} debt {}; re-reading it",
                        chain.account(), tag.value(), local.healthFactor(), local.totalCollateralBase(), local.totalDebtBase(),
                        chain.healthFactor(), chain.totalCollateralBase(), chain.totalDebtBase());
                diverging.add(chain.account());
            }
        }
        if (!diverging.isEmpty()) {
            book.updatePositions(reader.loadPositions(contracts, market, diverging, tag));
        }
    }

    /** Counts the liquidatable accounts, and publishes the health-factor distribution of the indebted ones (both from the book's words). */
    private int countLiquidatable() {
        long[] counts = new long[healthFactors.boundsWad().length + 1];
        book.countHealthFactors(healthFactors.boundsWad(), counts);
        healthFactors.publishCounts(counts);
        return book.liquidatableCount();
    }

    /** Writes the log checkpoint (with the account set) if blocks since the last one are not in it: on a graceful stop. */
    public void flush() {
        if (stream != null) {
            stream.flush();
        }
    }

    /** The evaluated state (read-only use by the strategy; tests may also seed faults into it). */
    public AaveV3Book book() {
        return book;
    }

    /** The market (reserves, indexes, configuration) at the last block processed. */
    public Market market() {
        return market;
    }

    /** Every oracle price (reserves and eMode sources) at the last block processed. */
    public Map<Address, BigInteger> prices() {
        return prices;
    }

    public AaveV3Contracts contracts() {
        return contracts;
    }

    public List<LiquidationCandidate> candidates() {
        return book.candidates();
    }

    public int liquidatableCount() {
        return liquidatable;
    }
}
