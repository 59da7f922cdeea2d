package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
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
 * Keeps one Morpho Blue contract's positions evaluated block after block. Start: a full {@link MorphoBlueScan}.
 * Each block: its Morpho events (new markets, touched positions, liquidations). Each new head: every market's
 * totals, borrow rate and oracle price (read at every head: an oracle may move without an event, and interest
 * moves every block), the touched positions, then everyone evaluated with interest accrued to the head's
 * timestamp. A rollback makes the next head rescan from {@code startBlock} (simple and always right; a checkpoint
 * will make it cheap).
 */
public final class MorphoBlueMonitor implements HeadListener {

    private static final Logger log = LoggerFactory.getLogger(MorphoBlueMonitor.class);

    /**
     * @param markets the configured market ids; empty: every market created since {@code startBlock}
     */
    public record Settings(Address morpho, Address multicall3, long startBlock, Optional<List<String>> markets) {
    }

    /** A Liquidate event and where it was seen. */
    public record Seen(MorphoBlueEvents.Liquidated event, long block, String transactionHash) {
    }

    private final EthRpc rpc;
    private final Settings settings;
    private final MorphoBlueReader reader;
    private final UsdPrices usd;
    private final List<String> topics;

    private final Map<String, MorphoBlueScan.ScannedMarket> markets = new LinkedHashMap<>();
    private final Map<String, MarketParams> newMarkets = new LinkedHashMap<>();
    private final Map<MorphoBlueEvents.PositionTouched, PositionState> positions = new LinkedHashMap<>();
    private final Map<MorphoBlueEvents.PositionTouched, PositionHealth> health = new LinkedHashMap<>();
    /** Each account's positions, so one account's opportunity does not walk every position. */
    private final Map<Address, List<MorphoBlueEvents.PositionTouched>> byAccount = new LinkedHashMap<>();
    private final Set<MorphoBlueEvents.PositionTouched> touched = new LinkedHashSet<>();
    private final List<Seen> liquidations = new ArrayList<>();
    private final Map<Address, Integer> decimals = new LinkedHashMap<>();
    private Map<Address, BigInteger> usdPrices = Map.of();
    private boolean rescan;
    private long lastApplied = -1;
    private long evaluatedBlock = -1;
    private long evaluatedTimestamp;
    private int liquidatable;

    public MorphoBlueMonitor(EthRpc rpc, Settings settings, UsdPrices usd) {
        this.rpc = rpc;
        this.settings = settings;
        this.reader = new MorphoBlueReader(rpc, settings.multicall3(), settings.morpho());
        this.usd = usd;
        List<String> all = new ArrayList<>(MorphoBlueEvents.POSITION_EVENTS);
        all.add(MorphoBlueEvents.CREATE_MARKET);
        this.topics = List.copyOf(all);
    }

    public synchronized void start(BlockHeader head) {
        MorphoBlueScan.Result scan = new MorphoBlueScan(rpc, settings.multicall3(), settings.morpho(), settings.startBlock(), settings.markets())
                .scan(head);
        markets.clear();
        positions.clear();
        health.clear();
        touched.clear();
        newMarkets.clear();
        byAccount.clear();
        scan.markets().forEach(m -> markets.put(m.id(), m));
        for (MorphoBlueScan.Row row : scan.rows()) {
            MorphoBlueEvents.PositionTouched key = new MorphoBlueEvents.PositionTouched(row.marketId(), row.account());
            putPosition(key, row.position());
            health.put(key, row.health());
        }
        refreshTokens(BlockTag.number(head.number()));
        lastApplied = head.number();
        finishEvaluation(head);
        log.info("Morpho Blue {}: {} markets, {} positions, {} liquidatable at block {}", settings.morpho(), markets.size(), positions.size(),
                liquidatable, head.number());
    }

    @Override
    public synchronized void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        rescan = true;
        lastApplied = Math.min(lastApplied, commonAncestor.number());
        liquidations.removeIf(s -> s.block() > commonAncestor.number());
    }

    @Override
    public synchronized void onBlock(BlockHeader header) {
        if (header.number() <= lastApplied || rescan) {
            return;
        }
        for (LogEntry entry : rpc.logsOfBlock(header.hash(), List.of(settings.morpho()), topics)) {
            MorphoBlueEvents.marketCreated(entry).filter(this::wanted).ifPresent(created -> newMarkets.put(created.id(), created.params()));
            MorphoBlueEvents.positionTouched(entry).ifPresent(touched::add);
            MorphoBlueEvents.liquidated(entry).ifPresent(event -> liquidations.add(new Seen(event, header.number(), entry.transactionHash())));
        }
        lastApplied = header.number();
    }

    @Override
    public synchronized void onHead(BlockHeader head) {
        if (rescan) {
            rescan = false;
            start(head);
            return;
        }
        BlockTag tag = BlockTag.number(head.number());
        List<String> ids = new ArrayList<>(markets.keySet());
        List<MarketParams> params = new ArrayList<>(ids.stream().map(id -> markets.get(id).params()).toList());
        ids.addAll(newMarkets.keySet());
        params.addAll(newMarkets.values());
        newMarkets.clear();
        List<MarketState> stored = reader.markets(ids, tag);
        List<BigInteger> rates = reader.borrowRates(params, stored, tag);
        List<BigInteger> prices = reader.prices(params.stream().map(MarketParams::oracle).toList(), tag);
        for (int i = 0; i < ids.size(); i++) {
            MarketState accrued = InterestAccrual.accrue(stored.get(i), rates.get(i), head.timestamp()).market();
            markets.put(ids.get(i), new MorphoBlueScan.ScannedMarket(ids.get(i), params.get(i), stored.get(i), rates.get(i), accrued, prices.get(i)));
        }
        List<MorphoBlueEvents.PositionTouched> keys = touched.stream().filter(k -> markets.containsKey(k.id())).toList();
        List<PositionState> read = reader.positions(keys, tag);
        for (int i = 0; i < keys.size(); i++) {
            putPosition(keys.get(i), read.get(i));
        }
        touched.clear();
        for (Map.Entry<MorphoBlueEvents.PositionTouched, PositionState> e : positions.entrySet()) {
            MorphoBlueScan.ScannedMarket market = markets.get(e.getKey().id());
            health.put(e.getKey(), PositionHealth.of(e.getValue(), market.accrued(), market.price(), market.params().lltv()));
        }
        refreshTokens(tag);
        finishEvaluation(head);
    }

    private void putPosition(MorphoBlueEvents.PositionTouched key, PositionState position) {
        if (positions.put(key, position) == null) {
            byAccount.computeIfAbsent(key.account(), a -> new ArrayList<>()).add(key);
        }
    }

    private boolean wanted(MorphoBlueEvents.MarketCreated created) {
        return settings.markets().map(ids -> ids.stream().map(MorphoBlueEvents::normalizedId).toList().contains(created.id())).orElse(true);
    }

    private void finishEvaluation(BlockHeader head) {
        liquidatable = (int) health.values().stream().filter(PositionHealth::liquidatable).count();
        evaluatedBlock = head.number();
        evaluatedTimestamp = head.timestamp();
    }

    /** Decimals of tokens not seen before (one Multicall3 round), and the loan tokens' USD prices. */
    private void refreshTokens(BlockTag tag) {
        List<Address> unknown = assets().stream().filter(a -> !decimals.containsKey(a)).toList();
        if (!unknown.isEmpty()) {
            List<String> answers = new Multicall3(rpc, settings.multicall3()).aggregate3AllSucceeding(
                    unknown.stream().map(a -> new Multicall3.Call(a, Abi.call("decimals()"))).toList(), tag, i -> "decimals() of " + unknown.get(i));
            for (int i = 0; i < unknown.size(); i++) {
                decimals.put(unknown.get(i), Abi.decodeUint(answers.get(i)).intValueExact());
            }
        }
        usdPrices = usd.prices(markets.values().stream().map(m -> m.params().loanToken()).distinct().toList(), tag);
    }

    // --- what the market reads --------------------------------------------------------------------

    public synchronized long evaluatedBlock() {
        return evaluatedBlock;
    }

    public synchronized long evaluatedTimestamp() {
        return evaluatedTimestamp;
    }

    public synchronized int liquidatableCount() {
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

    public synchronized int accountCount() {
        return byAccount.size();
    }

    /** {@code account}'s positions, by market id. */
    public synchronized Map<String, PositionState> positionsOf(Address account) {
        Map<String, PositionState> out = new LinkedHashMap<>();
        for (MorphoBlueEvents.PositionTouched key : byAccount.getOrDefault(account, List.of())) {
            out.put(key.id(), positions.get(key));
        }
        return out;
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

    public synchronized List<Seen> drainLiquidations() {
        List<Seen> out = List.copyOf(liquidations);
        liquidations.clear();
        return out;
    }
}
