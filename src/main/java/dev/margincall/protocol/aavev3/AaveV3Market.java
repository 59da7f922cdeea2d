package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.abi.TokenSymbols;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.BlockContext;
import dev.margincall.protocol.aavev3.model.LiquidationMath;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.Opportunity;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Aave V3 market behind the protocol-neutral seam: the {@link AaveV3Monitor} keeps its accounts
 * evaluated; quotes come from {@link LiquidationMath} (the Pool's exact rules) at the next block's
 * timestamp; values are in the oracle's base currency; liquidations go through the Pool or our
 * {@link FlashLiquidator}.
 */
public final class AaveV3Market implements LendingMarket {

    /** Accounts below this health factor are re-evaluated at the next block's timestamp (interest over one block is far smaller). */
    private static final long NEAR_LIQUIDATION = 1_001_000_000_000_000_000L;

    private final MarketId id;
    private final AaveV3Monitor monitor;
    private final EthRpc rpc;
    private Valuation valuation;
    private AaveV3Encoder encoder;
    private Map<Address, String> symbols = Map.of();
    /**
     * The contexts quoted at since the market state last changed, by timestamp: every candidate of a head is quoted at the
     * same two times (the next block's, and a landing margin later), and a context accrues every reserve's indexes. The
     * monitor replaces its market and prices (never edits them), so their identity says whether a context is current.
     */
    private final Map<Long, BlockContext> contexts = new java.util.HashMap<>();
    private Market contextsMarket;
    private Map<Address, BigInteger> contextsPrices;

    public AaveV3Market(MarketId id, AaveV3Monitor monitor, EthRpc rpc) {
        this.id = id;
        this.monitor = monitor;
        this.rpc = rpc;
    }

    @Override
    public MarketId id() {
        return id;
    }

    @Override
    public void start(BlockHeader head) {
        monitor.start(head);
        BlockTag tag = BlockTag.number(head.number());
        valuation = new Valuation(AaveV3Parameters.baseCurrencyUnit(rpc, monitor.contracts().oracle(), tag));
        encoder = new AaveV3Encoder(monitor.contracts().pool(), AaveV3Parameters.flashLoanPremiumBps(rpc, monitor.contracts().pool(), tag),
                monitor.contracts().rules() == dev.margincall.protocol.aavev3.model.AaveRules.V3_6);
        symbols = TokenSymbols.read(rpc, assets(), tag);
    }

    @Override
    public RiskSnapshot riskSnapshot() {
        if (monitor.book() == null) {
            throw new IllegalStateException("market " + id + " is not started: no positions to copy yet");
        }
        return AaveV3RiskSnapshot.of(id, valuation, monitor.evaluatedBlock(), monitor.book(), monitor.market(), monitor.prices(), symbols);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        monitor.onRollback(commonAncestor, removed);
    }

    @Override
    public void onBlock(BlockHeader header) {
        monitor.onBlock(header);
    }

    @Override
    public void headComing(BlockHeader newest) {
        monitor.prefetch(newest);
    }

    @Override
    public void onHead(BlockHeader head) {
        monitor.onHeadNearFirst(head);
    }

    @Override
    public void afterHead() {
        monitor.finishHead();
    }

    @Override
    public void flush() {
        monitor.flush();
    }

    @Override
    public long evaluatedBlock() {
        return monitor.evaluatedBlock();
    }

    @Override
    public int accountsTracked() {
        return monitor.book() == null ? 0 : monitor.book().size();
    }

    @Override
    public List<Address> accounts() {
        return monitor.book().accounts();
    }

    @Override
    public int liquidatableCount() {
        return monitor.liquidatableCount();
    }

    /** Largest debt first: the keeper sends the first liquidatable one ahead of quoting the others (its express transaction). */
    @Override
    public List<Address> accountsNearLiquidation() {
        return monitor.book().accountsBelowLargestDebtFirst(NEAR_LIQUIDATION);
    }

    @Override
    public Opportunity opportunity(Address account, long nextTimestamp) {
        AaveV3Book book = monitor.book();
        BlockContext next = context(nextTimestamp);
        List<Quote> quotes = List.copyOf(LiquidationMath.quotes(next, book.position(account).orElseThrow()));
        boolean liquidatableNow = book.evaluation(account).map(AccountData::liquidatable).orElse(false);
        return new Opportunity(new PositionId(id, account), liquidatableNow || !quotes.isEmpty(), quotes);
    }

    /**
     * The health factor alone (AccountEvaluator, i.e. Pool.getUserAccountData): on the keeper's critical path, at a crash
     * head, quoting every pair again only to see whether any is left cost as much as the quotes themselves (bench, 10,000
     * borrowers: 74 of the first crash head's 175 ms of quoting).
     */
    @Override
    public boolean liquidatableAt(Address account, long timestamp) {
        return monitor.book().position(account).map(p -> AccountEvaluator.evaluate(context(timestamp), p, null).liquidatable()).orElse(false);
    }

    private BlockContext context(long timestamp) {
        if (contextsMarket != monitor.market() || contextsPrices != monitor.prices()) {
            contexts.clear();
            contextsMarket = monitor.market();
            contextsPrices = monitor.prices();
        }
        if (contexts.size() > 8) {
            contexts.clear(); // a long-running keeper quotes new times each block: keep only the latest few
        }
        return contexts.computeIfAbsent(timestamp, t -> new BlockContext(contextsMarket, contextsPrices, t));
    }

    @Override
    public Valuation valuation() {
        return valuation;
    }

    @Override
    public Optional<BigInteger> price(Address asset) {
        return Optional.ofNullable(monitor.prices().get(asset));
    }

    @Override
    public List<Address> assets() {
        return monitor.market().reservesById().stream().filter(Objects::nonNull).map(Reserve::asset).toList();
    }

    @Override
    public LiquidationEncoder encoder() {
        return encoder;
    }

    @Override
    public List<MarketLiquidation> drainLiquidations() {
        List<MarketLiquidation> out = new java.util.ArrayList<>();
        for (dev.margincall.chain.logs.PendingEvents.Seen<LiquidationCallEvent> seen : monitor.drainLiquidations()) {
            LiquidationCallEvent event = seen.event();
            BigInteger bonus = value(event.collateralAsset(), event.liquidatedCollateralAmount(), false)
                    .subtract(value(event.debtAsset(), event.debtToCover(), true));
            out.add(new MarketLiquidation(new PositionId(id, event.user()), event.liquidator(), seen.block(), seen.transactionHash(),
                    event.collateralAsset(), event.debtAsset(), event.debtToCover(), event.liquidatedCollateralAmount(), bonus));
        }
        return out;
    }

    /** {@code amount} of {@code asset} at the oracle price, in the base currency (a cost rounded up, a gain down). */
    private BigInteger value(Address asset, BigInteger amount, boolean roundUp) {
        BigInteger price = monitor.prices().getOrDefault(asset, BigInteger.ZERO);
        int decimals = monitor.market().reservesById().stream().filter(r -> r != null && r.asset().equals(asset)).findFirst()
                .map(r -> r.configuration().decimals()).orElse(18);
        BigInteger unit = BigInteger.TEN.pow(decimals);
        return roundUp ? dev.margincall.core.Rounding.mulDivUp(amount, price, unit) : amount.multiply(price).divide(unit);
    }

    /** 3.1+: each reserve's virtual balance, all a flash loan of it can take (3.0: unknown, left to the simulation). */
    @Override
    public java.util.Map<Address, BigInteger> contractFundingCapacity() {
        java.util.Map<Address, BigInteger> capacity = new java.util.HashMap<>();
        monitor.market().reservesById().stream().filter(r -> r != null && r.virtualUnderlyingBalance() != null)
                .forEach(r -> capacity.put(r.asset(), r.virtualUnderlyingBalance()));
        return capacity;
    }

    /** The Aave contracts (discovered from the PoolAddressesProvider at start). */
    public AaveV3Contracts contracts() {
        return monitor.contracts();
    }

    /** The monitor (tests and the demo read its book). */
    public AaveV3Monitor monitor() {
        return monitor;
    }
}
