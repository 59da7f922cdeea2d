package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.Words;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.aavev3.AaveV3Calls;
import dev.margincall.protocol.aavev3.AaveV3Monitor;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.BlockContext;
import dev.margincall.protocol.aavev3.model.LiquidationMath;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.uniswapv2.UniswapV2Pools;
import dev.margincall.strategy.ExecutionCosts;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.LiquidationStrategy;
import dev.margincall.strategy.PlanDecision;
import dev.margincall.strategy.RejectReason;
import dev.margincall.strategy.SwapMarket;
import dev.margincall.submit.FeePolicy;
import dev.margincall.submit.Liquidation;
import dev.margincall.submit.Submitter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keeper's block loop, in the one direction data flows: the monitor brings the market, prices and
 * positions to the newest block (every block's events applied, the state read once at the newest: a keeper
 * that fell behind never plans on an old block); the submitter settles, replaces or cancels what is in flight; then every
 * account that will be liquidatable in the next block (evaluated at the next block's timestamp, so
 * interest alone is caught before anyone re-reads it) is planned, and the plans are sent most
 * profitable first.
 */
final class Keeper implements HeadListener {

    /** Accounts below this health factor are re-evaluated at the next block's timestamp (interest over one block is far smaller). */
    private static final long NEAR_LIQUIDATION = 1_001_000_000_000_000_000L;

    private final AaveV3Monitor monitor;
    private final LiquidationStrategy strategy;
    private final Submitter submitter;
    private final Optional<UniswapV2Pools> pools;
    private final Multicall3 multicall;
    private final Execution execution;
    private final KeeperEvents events;
    private final AtomicLong processedBlock = new AtomicLong(-1);
    private final Counter planningSkipped;
    private BlockHeader previous;
    private long blockInterval;
    private long blocksSinceHead;
    private volatile boolean planning = true;

    /**
     * What liquidations are sent through and what the money rules are.
     *
     * @param target          the Pool (wallet funding) or our FlashLiquidator (flash-loan funding)
     * @param wrappedNative   the reserve whose oracle price converts gas into the base currency
     * @param minProfitBase   the configured minimum profit in the oracle's base currency
     */
    record Execution(Funding funding, Address target, Address wrappedNative, int flashPremiumBps, BigInteger minProfitBase,
                     long defaultBlockInterval, boolean receiveAToken) {
    }

    Keeper(AaveV3Monitor monitor, LiquidationStrategy strategy, Submitter submitter, Optional<UniswapV2Pools> pools,
           EthRpc rpc, Address multicall3, Execution execution, KeeperEvents events, MeterRegistry registry) {
        this.monitor = monitor;
        this.strategy = strategy;
        this.submitter = submitter;
        this.pools = pools;
        this.multicall = new Multicall3(rpc, multicall3);
        this.execution = execution;
        this.events = events;
        this.blockInterval = execution.defaultBlockInterval();
        this.planningSkipped = Counter.builder(MetricNames.PLANNING_SKIPPED).register(registry);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        monitor.onRollback(commonAncestor, removed);
        submitter.onRollback(commonAncestor);
    }

    /** Every block's events go into the book; nothing is decided on a block that is not the newest. */
    @Override
    public void onBlock(BlockHeader header) {
        events.block(header.number(), System.nanoTime());
        monitor.onBlock(header);
        if (previous != null && header.number() == previous.number() + 1) {
            blockInterval = Math.max(1, header.timestamp() - previous.timestamp());
        }
        previous = header;
        blocksSinceHead++;
    }

    /**
     * The newest block: the book is evaluated at it, in-flight transactions mined up to it are settled
     * (one mined later stays in flight until the book has applied its block, so its account is never
     * planned again from numbers that predate it), and plans are made once. Blocks caught up on before it
     * had no planning round of their own: counted as skipped.
     */
    @Override
    public void onHead(BlockHeader head) {
        monitor.onHead(head);
        submitter.onHead(head);
        planningSkipped.increment(Math.max(0, blocksSinceHead - 1));
        blocksSinceHead = 0;
        if (planning) {
            liquidate(head, head.timestamp() + blockInterval);
        }
        processedBlock.set(head.number());
    }

    /** Graceful stop: blocks are still followed (in-flight transactions settle) but nothing new is sent. */
    void stopPlanning() {
        planning = false;
    }

    /** The last block fully handled (monitor, submitter, plans sent): tests and the demo wait on it. */
    long processedBlock() {
        return processedBlock.get();
    }

    private void liquidate(BlockHeader head, long nextTimestamp) {
        AaveV3Book book = monitor.book();
        BlockContext next = new BlockContext(monitor.market(), monitor.prices(), nextTimestamp);
        Map<Address, List<LiquidationQuote>> opportunities = new HashMap<>();
        Set<Address> near = new HashSet<>(book.accountsBelow(NEAR_LIQUIDATION));
        events.recoveredExcept(near);
        for (Address account : near) {
            if (!submitter.accepting(account, head.number())) {
                continue; // in flight or backing off: no quote needed this block
            }
            AccountData data = book.evaluation(account).orElseThrow();
            List<LiquidationQuote> quotes = LiquidationMath.quotes(next, book.position(account).orElseThrow());
            if (quotes.isEmpty()) {
                if (data.liquidatable()) {
                    events.decision(new PlanDecision.Rejected(account, RejectReason.NOTHING_TO_SEIZE,
                            "health factor below 1 but no collateral a liquidator may seize (bad debt)"));
                } else {
                    events.recovered(account);
                }
                continue;
            }
            events.liquidatable(account, head.number());
            opportunities.put(account, quotes);
        }
        if (opportunities.isEmpty()) {
            return;
        }
        BlockTag tag = BlockTag.number(head.number());
        FeePolicy.MarketFees fees = submitter.marketFees(head);
        BigInteger nativePrice = Objects.requireNonNull(monitor.prices().get(execution.wrappedNative()), "no oracle price for the wrapped native token");
        ExecutionCosts costs = new ExecutionCosts(fees.nextBaseFee().add(fees.tip()), nativePrice, execution.flashPremiumBps());
        SwapMarket swaps = execution.funding() == Funding.FLASH_LOAN ? pools.orElseThrow().read(tag) : SwapMarket.empty();
        Map<Address, BigInteger> balances = execution.funding() == Funding.WALLET ? walletBalances(tag) : new HashMap<>();
        List<LiquidationPlan> ranked = new ArrayList<>();
        opportunities.forEach((account, quotes) -> {
            PlanDecision decision = strategy.plan(account, quotes, swaps, costs, balances);
            events.decision(decision);
            if (decision instanceof PlanDecision.Planned planned) {
                ranked.add(planned.plan());
            }
        });
        ranked.sort(LiquidationStrategy.mostProfitableFirst());
        // The chain executes our transactions in nonce order: plan each against the pools and balances
        // the earlier ones leave behind, so a later swap's price impact and a spent balance are accounted for.
        SwapMarket pools = swaps;
        List<Liquidation> transactions = new ArrayList<>();
        for (LiquidationPlan first : ranked) {
            PlanDecision decision = ranked.size() == 1 ? new PlanDecision.Planned(first)
                    : strategy.plan(first.account(), opportunities.get(first.account()), pools, costs, balances);
            if (!(decision instanceof PlanDecision.Planned planned)) {
                events.decision(decision);
                continue;
            }
            LiquidationPlan plan = planned.plan();
            transactions.add(transaction(plan, costs));
            if (plan.funding() == Funding.WALLET) {
                balances.merge(plan.quote().debtAsset(), plan.quote().debtToCover().negate(), BigInteger::add);
            } else {
                pools = pools.afterSwap(plan.route(), plan.quote().collateralToLiquidator());
            }
        }
        submitter.submitAll(transactions, head, nextTimestamp);
    }

    private Liquidation transaction(LiquidationPlan plan, ExecutionCosts costs) {
        LiquidationQuote quote = plan.quote();
        String data = plan.funding() == Funding.WALLET
                ? AaveV3Calls.liquidationCall(quote.collateralAsset(), quote.debtAsset(), quote.account(), quote.debtToCover(),
                        execution.receiveAToken())
                : FlashLiquidator.liquidate(quote.collateralAsset(), quote.debtAsset(), quote.account(), quote.debtToCover(), plan.route().path(),
                        plan.minAmountOut(), plan.minProfitTokens());
        return new Liquidation(plan, execution.target(), data, costs.baseToWei(plan.grossProfitBase()), costs.baseToWeiCeil(execution.minProfitBase()));
    }

    /** The keeper's balance of every reserve asset, in one Multicall3 round. */
    private Map<Address, BigInteger> walletBalances(BlockTag tag) {
        List<Address> assets = monitor.market().reservesById().stream().filter(Objects::nonNull).map(Reserve::asset).toList();
        List<Multicall3.Result> results = multicall.aggregate3(assets.stream()
                .map(a -> new Multicall3.Call(a, Erc20.balanceOf(submitter.from()))).toList(), tag);
        Map<Address, BigInteger> balances = new HashMap<>();
        Map<Address, BigInteger> committed = submitter.committedDebt();
        for (int i = 0; i < assets.size(); i++) {
            BigInteger held = results.get(i).success() ? Words.uint(results.get(i).returnData(), 0) : BigInteger.ZERO;
            // what our pending liquidations will pull is not there to spend again
            balances.put(assets.get(i), held.subtract(committed.getOrDefault(assets.get(i), BigInteger.ZERO)).max(BigInteger.ZERO));
        }
        return balances;
    }

}
