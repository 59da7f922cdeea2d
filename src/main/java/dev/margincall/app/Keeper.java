package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.OverlappedRead;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.Words;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.Opportunity;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.uniswapv2.UniswapV2Pools;
import dev.margincall.strategy.ExecutionCosts;
import dev.margincall.strategy.GasModel;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.LiquidationStrategy;
import dev.margincall.strategy.PlanDecision;
import dev.margincall.strategy.RejectReason;
import dev.margincall.strategy.SwapMarket;
import dev.margincall.submit.FeePolicy;
import dev.margincall.submit.Liquidation;
import dev.margincall.submit.Submission;
import dev.margincall.submit.Submitter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keeper's block loop over every configured market, in the one direction data flows: each market
 * brings its positions and prices to the newest block (every block's events applied, the state read
 * once at the newest: a keeper that fell behind never plans on an old block); the submitter settles,
 * replaces or cancels what is in flight; then every position that will be liquidatable in the next block
 * (evaluated at the next block's timestamp, so interest alone is caught before anyone re-reads it) is
 * planned, plans of all markets are ranked together by profit in USD, and sent most profitable first
 * with one nonce sequence. Nothing here knows a protocol: markets speak through {@link LendingMarket}.
 */
final class Keeper implements HeadListener {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Keeper.class);

    /** Blocks after the next one a liquidation must still be valid at to be planned (see {@link RejectReason#RECOVERING}). */
    static final int LANDING_MARGIN_BLOCKS = 2;

    /**
     * Heads after one with candidates during which, sending first, the planning reads start with the markets' read: a crash
     * comes in waves (cascades, oracle steps), and while one lasts the next head's express transaction should not wait for a
     * read of its own; in quiet times the head costs no request more than the markets' read.
     */
    static final int HOT_BLOCKS = 32;

    private final Map<MarketId, LendingMarket> markets = new LinkedHashMap<>();
    private final LiquidationStrategy strategy;
    private final Submitter submitter;
    private final Optional<UniswapV2Pools> pools;
    private final Multicall3 multicall;
    private final EthRpc rpc;
    private final Execution execution;
    private final KeeperEvents events;
    private final AtomicLong processedBlock = new AtomicLong(-1);
    private final Counter planningSkipped;
    private final GasMoney gasMoney;
    private BlockHeader previous;
    private long blockInterval;
    private long blocksSinceHead;
    /** The last head of the current hot spell ({@link #HOT_BLOCKS} after the last head with candidates); −1: none yet. */
    private long hotUntil = -1;
    private volatile boolean planning = true;
    private volatile int rehearsed = -1;
    private final List<QuotingWarmUp> warmUps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean readingNonce = new java.util.concurrent.atomic.AtomicBoolean();
    /** The planning reads started before the coming head's logs; taken (or dropped) by the next head. */
    private ReadsAhead readsAhead;

    /**
     * What liquidations are sent through and what the money rules are.
     *
     * @param liquidators     contract funding: our liquidator contract for each market
     * @param wrappedNative   the token whose price (in any market that prices it) converts gas into value
     * @param batching        contract funding: how a block's liquidations of one market are packed into batch transactions
     */
    record Execution(Funding funding, Map<MarketId, Address> liquidators, Address wrappedNative, long defaultBlockInterval, boolean receiveAToken,
                     long overdueAfterBlocks, KeeperConfig.Batching batching) {

        Execution(Funding funding, Map<MarketId, Address> liquidators, Address wrappedNative, long defaultBlockInterval, boolean receiveAToken) {
            this(funding, liquidators, wrappedNative, defaultBlockInterval, receiveAToken, KeeperConfig.Metrics.DEFAULT_OVERDUE_AFTER_BLOCKS,
                    KeeperConfig.Batching.DEFAULT);
        }
    }

    Keeper(List<LendingMarket> markets, LiquidationStrategy strategy, Submitter submitter, Optional<UniswapV2Pools> pools,
           EthRpc rpc, Address multicall3, Execution execution, KeeperEvents events, MeterRegistry registry) {
        markets.forEach(m -> this.markets.put(m.id(), m));
        this.strategy = strategy;
        this.submitter = submitter;
        this.pools = pools;
        this.multicall = new Multicall3(rpc, multicall3);
        this.rpc = rpc;
        this.execution = execution;
        this.events = events;
        this.blockInterval = execution.defaultBlockInterval();
        this.planningSkipped = Counter.builder(MetricNames.PLANNING_SKIPPED).register(registry);
        this.gasMoney = new GasMoney(rpc, submitter.from(), events.clock());
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        markets.values().forEach(m -> m.onRollback(commonAncestor, removed));
        submitter.onRollback(commonAncestor);
    }

    /**
     * Sending first, in a hot spell, the markets may start reading the coming head's state beside its logs (Aave: the block
     * state, then the touched positions alone), and the head's planning reads (fees, balances or pools) start with them: the
     * express transaction then waits for one round trip less, and not for a planning read started only after the logs.
     */
    @Override
    public void headComing(BlockHeader newest) {
        if (inHotSpell(newest.number())) {
            markets.values().forEach(m -> m.headComing(newest));
            readsAhead = new ReadsAhead(newest, planningReads(newest));
        }
    }

    /** Planning and sending first within {@link #HOT_BLOCKS} of a head that had candidates: reads worth starting early. */
    private boolean inHotSpell(long block) {
        return planning && submitter.sendsFirst() && block <= hotUntil;
    }

    /** Every block's events go into the markets; nothing is decided on a block that is not the newest. */
    @Override
    public void onBlock(BlockHeader header) {
        events.block(header.number());
        markets.values().forEach(m -> m.onBlock(header));
        events.step("logsRead");
        if (previous != null && header.number() == previous.number() + 1) {
            blockInterval = Math.max(1, header.timestamp() - previous.timestamp());
        }
        previous = header;
        blocksSinceHead++;
    }

    /**
     * The newest block: every market is evaluated at it, in-flight transactions mined up to it are settled
     * (one mined later stays in flight until the markets have applied its block, so its position is never
     * planned again from numbers that predate it), and plans are made once. Blocks caught up on before it
     * had no planning round of their own: counted as skipped.
     */
    @Override
    public void onHead(BlockHeader head) {
        long settledBefore = events.totals().settled();
        // Sending first, in a hot spell, the head's fees and balances (or pools) are read while the markets are: the express
        // transaction then waits for no read of its own (bench, 10,000 borrowers, 4 alternated pairs: its p50 13.9 → 11.6 ms).
        // Started at headComing, beside the logs, rather than here after them (3 alternated pairs: the express transaction
        // had waited 2.5–4.5 ms for them after its quote in 2–3 of a run's 8 crash steps, since at most 0.8 ms after the first).
        // Two requests more a head, even one with nothing to liquidate: so not in quiet times.
        Optional<PlanningReads> early = earlyPlanningReads(head);
        markets.values().forEach(m -> m.onHead(head));
        events.step("marketsRead");
        submitter.onHead(head);
        events.step("inFlightSettled");
        accountMarketLiquidations();
        events.step("marketLiquidationsSeen");
        planningSkipped.increment(Math.max(0, blocksSinceHead - 1));
        blocksSinceHead = 0;
        if (planning) {
            boolean planned = liquidate(head, head.timestamp() + blockInterval, early);
            if (rehearsed < 0) {
                // only before the first real plan: a keeper started in a crash has run that code for real, and its next heads
                // (positions in flight, nothing planned) must not wait for a rehearsal; once, even if it fails
                rehearsed = 0;
                if (!planned) {
                    long started = System.nanoTime();
                    rehearsed = rehearse(head);
                    log.atInfo().addKeyValue("event", "rehearsed").addKeyValue("transactions", rehearsed)
                            .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("start rehearsal done: code on the way to the wire has run once");
                }
            }
        }
        markets.values().forEach(LendingMarket::afterHead);
        events.overdue(head.number(), execution.overdueAfterBlocks());
        if (gasMoney.due(events.totals().settled() != settledBefore)) {
            FeePolicy.MarketFees fees = submitter.marketFees(head);
            GasMoney.Reading reading = gasMoney.read(head.number(), fees.nextBaseFee().add(fees.tip()), gasPerLiquidation());
            events.gasMoney(reading.balanceWei(), reading.affordable());
        }
        processedBlock.set(head.number());
    }

    /**
     * Every liquidation the markets reported since the last head, ours and everyone else's, before this head's
     * plans (so the first liquidation of an opportunity is attributed before the keeper plans it again). The
     * others' effective gas price comes from their receipts, one batch for all of them.
     */
    private void accountMarketLiquidations() {
        List<MarketLiquidation> seen = new ArrayList<>();
        markets.values().forEach(m -> seen.addAll(m.drainLiquidations()));
        if (seen.isEmpty()) {
            return;
        }
        Set<Address> ours = ourAddresses();
        List<String> others = seen.stream().filter(l -> !ours.contains(l.liquidator())).map(MarketLiquidation::transactionHash).distinct().toList();
        Map<String, BigInteger> gasPrices = new HashMap<>();
        if (!others.isEmpty()) {
            List<Optional<dev.margincall.chain.TransactionReceipt>> receipts = rpc.receipts(others);
            for (int i = 0; i < others.size(); i++) {
                int index = i;
                receipts.get(i).ifPresent(r -> gasPrices.put(others.get(index), r.effectiveGasPrice()));
            }
        }
        for (MarketLiquidation liquidation : seen) {
            LendingMarket market = markets.get(liquidation.position().market());
            events.marketLiquidation(liquidation, ours.contains(liquidation.liquidator()), market.valuation().usd(liquidation.bonusValue()),
                    gasPrices.get(liquidation.transactionHash()));
        }
    }

    /** Gas of one liquidation: the mean of ours mined so far, else what plans are priced with. */
    private long gasPerLiquidation() {
        long mined = events.totals().count("mined");
        if (mined > 0) {
            return events.totals().minedGasUsed() / mined;
        }
        return execution.funding() == Funding.WALLET ? strategy.settings().walletGas() : strategy.settings().flashGas();
    }

    /** Graceful stop: blocks are still followed (in-flight transactions settle) but nothing new is sent. */
    void stopPlanning() {
        planning = false;
    }

    /** Transactions the start rehearsal walked to the wire ({@link #rehearse}); −1 before it ran. */
    int rehearsedTransactions() {
        return rehearsed;
    }

    /** The last block fully handled (markets, submitter, plans sent): tests and the demo wait on it. */
    long processedBlock() {
        return processedBlock.get();
    }

    /** What planning reads at a head besides the markets: the fees, and the pools (flash loans) or the wallet's holdings. */
    private record PlanningReads(OverlappedRead<FeePolicy.MarketFees> fees, OverlappedRead<SwapMarket> pools,
                                 OverlappedRead<Map<Address, BigInteger>> holdings) {
    }

    /** Planning reads started for a head before its logs ({@link #headComing}). */
    private record ReadsAhead(BlockHeader head, PlanningReads reads) {
    }

    /**
     * The planning reads started at {@link #headComing} for this very head (same hash), else, in a hot spell, started now;
     * empty in quiet times. Reads started for another head (the chain moved on, or reorganized) are dropped unread.
     */
    private Optional<PlanningReads> earlyPlanningReads(BlockHeader head) {
        ReadsAhead ahead = readsAhead;
        readsAhead = null;
        if (ahead != null && ahead.head().hash().equals(head.hash())) {
            return Optional.of(ahead.reads());
        }
        return inHotSpell(head.number()) ? Optional.of(planningReads(head)) : Optional.empty();
    }

    private OverlappedRead<Map<Address, BigInteger>> walletRead(BlockTag tag) {
        List<Address> assets = walletAssets(); // here, not on the read's thread: see walletAssets
        return OverlappedRead.start(() -> walletHoldings(assets, tag));
    }

    private PlanningReads planningReads(BlockHeader head) {
        BlockTag tag = BlockTag.number(head.number());
        return new PlanningReads(OverlappedRead.start(() -> submitter.marketFees(head)),
                execution.funding() == Funding.FLASH_LOAN ? OverlappedRead.start(() -> pools.orElseThrow().read(tag)) : OverlappedRead.of(SwapMarket.empty()),
                execution.funding() == Funding.WALLET ? walletRead(tag) : OverlappedRead.of(Map.of()));
    }

    /**
     * Plans and sends this head's liquidations; whether any was planned (false: nothing to send at this head).
     *
     * @param early the head's planning reads, when they were started with the markets' read
     */
    private boolean liquidate(BlockHeader head, long nextTimestamp, Optional<PlanningReads> early) {
        Set<PositionId> candidates = candidates(head);
        events.step("candidatesListed");
        if (candidates.isEmpty()) {
            return false;
        }
        hotUntil = head.number() + HOT_BLOCKS;
        // what planning reads besides the markets goes out now (unless it is out already), and comes back while the candidates are quoted
        PlanningReads reads = early.orElseGet(() -> planningReads(head));
        // not awaited: the first send takes the nonce, waiting for this read if it is still running (or reading it itself if it
        // failed); one at a time, so a failing endpoint does not pile up reads that each hold the nonce's lock through retries
        if (readingNonce.compareAndSet(false, true)) {
            OverlappedRead.start(() -> {
                try {
                    submitter.readNonceIfUnknown();
                } finally {
                    readingNonce.set(false);
                }
                return null;
            });
        }
        Iterator<PositionId> unquoted = candidates.iterator();
        Map<PositionId, Opportunity> opportunities = new LinkedHashMap<>();
        boolean express = submitter.sendsFirst();
        quote(unquoted, opportunities, express ? 1 : Integer.MAX_VALUE, head, nextTimestamp);
        if (express) {
            // Not quoting the others while the reads are out: tried, and on 2 cores the quoting took the CPU the reads' threads
            // and the node needed (bench, 10,000 borrowers: the reads back 3 ms later, the express transaction 15 ms after the
            // head in 2 runs against 10–12 ms).
            events.step("expressQuoted");
        }
        if (!express || opportunities.isEmpty()) {
            events.step("opportunitiesQuoted"); // every candidate is quoted
        }
        if (opportunities.isEmpty()) {
            return false;
        }
        FeePolicy.MarketFees fees;
        SwapMarket pools;
        Map<Address, BigInteger> balances;
        try {
            fees = reads.fees().await();
            events.step("feesRead");
            pools = execution.funding() == Funding.FLASH_LOAN ? afterPendingSwaps(reads.pools().await()) : SwapMarket.empty();
            balances = execution.funding() == Funding.WALLET ? spendable(reads.holdings().await()) : new HashMap<>();
            events.step("poolsOrBalancesRead");
        } catch (RuntimeException e) {
            // the candidates not quoted yet are still reported liquidatable at this head: overdue and lateness count from it
            quote(unquoted, opportunities, Integer.MAX_VALUE, head, nextTimestamp);
            throw e;
        }
        Map<MarketId, ExecutionCosts> costs = costsAt(fees);
        Submitter.Round round = submitter.round(head, nextTimestamp); // sending first, each transaction goes out as soon as it is made
        try {
            return planAndOffer(round, express, opportunities, unquoted, head, nextTimestamp, costs, pools, balances);
        } finally {
            // whatever went out is journaled, verified and tracked, even if planning the rest failed
            round.finish();
        }
    }

    /**
     * Plans the head's opportunities and offers them to the round in nonce order; {@code express}: the one opportunity
     * quoted so far goes alone before the candidates left unquoted are quoted. Whether anything was planned.
     */
    private boolean planAndOffer(Submitter.Round round, boolean express, Map<PositionId, Opportunity> opportunities, Iterator<PositionId> unquoted,
                                 BlockHeader head, long nextTimestamp, Map<MarketId, ExecutionCosts> costs, SwapMarket pools,
                                 Map<Address, BigInteger> balances) {
        ReserveLiquidity liquidity = new ReserveLiquidity(costs);
        submitter.inFlightLiquidations().forEach(pending -> liquidity.pending(pending.plan()));
        boolean sentExpress = false;
        if (express) {
            // The express transaction: the first opportunity in the markets' order (Aave: the largest debt first; quoted, and
            // still liquidatable two blocks later) is planned and goes to the wire alone before the others are quoted
            // (bench, 10,000 borrowers, send first: quoting and planning a crash head's 275 candidates put its first
            // transaction 16 ms after the markets were read). The plans after it are made against the balance and pools it
            // leaves, as after any earlier transaction. If the strategy or the lender's liquidity turns it down, this head
            // has no express transaction.
            Map.Entry<PositionId, Opportunity> first = opportunities.entrySet().iterator().next();
            Optional<LiquidationPlan> plan = expressPlan(first.getKey(), first.getValue(), pools, costs, balances, liquidity);
            events.step("expressPlanned");
            if (plan.isPresent()) {
                round.offer(submission(List.of(plan.get()), costs));
                events.step("expressOffered");
                pools = spend(plan.get(), pools, balances);
                opportunities.clear();
                sentExpress = true;
            }
            quote(unquoted, opportunities, Integer.MAX_VALUE, head, nextTimestamp);
            events.step("opportunitiesQuoted");
        }
        List<LiquidationPlan> ranked = new ArrayList<>();
        SwapMarket swaps = pools;
        opportunities.forEach((position, opportunity) -> {
            PlanDecision decision = strategy.plan(position, opportunity.quotes(), swaps, costs.get(position.market()), balances);
            events.decision(decision);
            if (decision instanceof PlanDecision.Planned planned) {
                ranked.add(planned.plan());
            }
        });
        ranked.sort(LiquidationStrategy.mostProfitableFirst());
        events.step("planned");
        // The chain executes our transactions in nonce order, and a batch debt asset by debt asset, each one's swaps after
        // its liquidations, one per swap path in the order the paths first appear: plan each liquidation again in exactly that order, against the
        // pools and balances the earlier ones leave behind, so a later swap's price impact and a spent balance are
        // accounted for. A batch whose paths were planned one after another returns at least that from one sale per path.
        for (List<LiquidationPlan> slot : pack(ranked)) {
            List<LiquidationPlan> planned = new ArrayList<>();
            liquidity.startTransaction();
            for (LiquidationPlan first : slot) {
                ExecutionCosts marketCosts = costs.get(first.position().market());
                PlanDecision decision = ranked.size() == 1 ? new PlanDecision.Planned(first)
                        : strategy.plan(first.position(), opportunities.get(first.position()).quotes(), pools, marketCosts, balances);
                if (!(decision instanceof PlanDecision.Planned made)) {
                    events.decision(decision);
                    continue;
                }
                LiquidationPlan plan = made.plan();
                Optional<String> dry = liquidity.take(plan);
                if (dry.isPresent()) {
                    events.decision(new PlanDecision.Rejected(plan.position(), RejectReason.NO_LIQUIDITY, dry.get()));
                    continue;
                }
                planned.add(plan);
                pools = spend(plan, pools, balances);
            }
            for (List<LiquidationPlan> batch : contiguousPaths(planned)) {
                round.offer(submission(batch, costs));
            }
        }
        events.step("packedInOrder");
        return sentExpress || !ranked.isEmpty();
    }

    /**
     * The express candidate planned on its own, its decision reported; empty (nothing reported) when the strategy or the
     * lender's liquidity turns it down: it is then planned with the rest, which reports why.
     */
    private Optional<LiquidationPlan> expressPlan(PositionId position, Opportunity opportunity, SwapMarket pools, Map<MarketId, ExecutionCosts> costs,
                                                  Map<Address, BigInteger> balances, ReserveLiquidity liquidity) {
        PlanDecision decision = strategy.plan(position, opportunity.quotes(), pools, costs.get(position.market()), balances);
        if (!(decision instanceof PlanDecision.Planned planned)) {
            return Optional.empty();
        }
        liquidity.startTransaction();
        if (liquidity.take(planned.plan()).isPresent()) {
            return Optional.empty();
        }
        events.decision(decision);
        return Optional.of(planned.plan());
    }

    /** What a planned liquidation leaves to the plans after it: the wallet's balance spent, or the pools after its sale. */
    private static SwapMarket spend(LiquidationPlan plan, SwapMarket pools, Map<Address, BigInteger> balances) {
        if (plan.funding() == Funding.WALLET) {
            balances.merge(plan.quote().debtAsset(), plan.quote().debtToRequest().negate(), BigInteger::add);
            return pools;
        }
        return pools.afterSwap(plan.route(), plan.quote().collateralToLiquidator());
    }

    /** What executing costs in each market at these fees: the gas price, the native token's price, the funding premium. */
    private Map<MarketId, ExecutionCosts> costsAt(FeePolicy.MarketFees fees) {
        BigInteger gasPrice = fees.nextBaseFee().add(fees.tip());
        Map<MarketId, ExecutionCosts> costs = new HashMap<>();
        markets.values().forEach(m -> costs.put(m.id(), new ExecutionCosts(gasPrice, nativePrice(m), m.encoder().fundingPremiumBps(), m.valuation(),
                m.contractFundingCapacity(), m.encoder().fundingPremiumRoundsUp())));
        return costs;
    }

    /** Accounts a start rehearsal plans per market: a batch of a few items and, wallet-funded, a few single transactions. */
    private static final int REHEARSAL_ACCOUNTS = 4;

    /**
     * Walks the way from quote to signed transaction once, on the first head if it has nothing to send, without sending anything: the
     * head's fees and pools (or holdings) read as a head with candidates reads them; a few real positions of each market
     * quoted by the live book as a candidate is, and quoted at a price that liquidates them ({@link RehearsalCandidates}),
     * planned against those pools and fees, packed, encoded, priced by the gas model and the fee policy, signed at a nonce
     * not taken and serialized as their journal line would be, then dropped; no transaction, event, journal line, nonce or
     * gas observation comes of it (its reads are counted with the RPC requests, as any).
     * Without it the first crash pays for loading and first running all of that code on its critical path (bench, 2,000
     * borrowers, first crash head: 30 ms to encode the first batch, 44 ms to serialize its journal line). Returns how
     * many transactions were rehearsed; a failure only costs the warm-up (of that market).
     */
    int rehearse(BlockHeader head) {
        long nextTimestamp = head.timestamp() + blockInterval;
        FeePolicy.MarketFees fees;
        SwapMarket swaps;
        Map<MarketId, ExecutionCosts> costs;
        try {
            // read as a head with candidates reads them (beside each other, awaited as its planning awaits them)
            PlanningReads reads = planningReads(head);
            fees = reads.fees().await();
            swaps = execution.funding() == Funding.FLASH_LOAN ? afterPendingSwaps(reads.pools().await()) : SwapMarket.empty();
            spendable(reads.holdings().await()); // for its code: the rehearsal's wallet is made up
            costs = costsAt(fees);
        } catch (RuntimeException e) {
            log.warn("no start rehearsal: {} (the first crash pays for the first run of its code)", e.toString());
            return 0;
        }
        int transactions = 0;
        for (LendingMarket market : markets.values()) {
            try {
                transactions += rehearse(market, costs, swaps, fees, nextTimestamp);
            } catch (RuntimeException e) {
                // a warning: the same failure may meet the first real liquidation of this market
                log.warn("start rehearsal in {} stopped: {}", market.id(), e.toString());
            }
        }
        return transactions;
    }

    private int rehearse(LendingMarket market, Map<MarketId, ExecutionCosts> costs, SwapMarket swaps, FeePolicy.MarketFees fees, long nextTimestamp) {
        RiskSnapshot snapshot = market.riskSnapshot();
        List<RehearsalCandidates.Candidate> candidates = RehearsalCandidates.find(snapshot, REHEARSAL_ACCOUNTS);
        warmUpQuoting(market.id(), snapshot, costs.get(market.id()), swaps);
        for (RehearsalCandidates.Candidate candidate : candidates) {
            // asked of the live book as a head asks it of a candidate; healthy at today's prices, so this runs the code around
            // the quotes (their math is the quoting warm-up's), and what it answers is not used
            market.opportunity(candidate.account(), nextTimestamp);
            market.liquidatableAt(candidate.account(), nextTimestamp + LANDING_MARGIN_BLOCKS * blockInterval);
        }
        Map<Address, BigInteger> balances = RehearsalCandidates.ampleBalances(candidates);
        List<LiquidationPlan> plans = new ArrayList<>();
        for (RehearsalCandidates.Candidate candidate : candidates) {
            if (strategy.plan(new PositionId(market.id(), candidate.account()), candidate.quotes(), swaps, costs.get(market.id()), balances)
                    instanceof PlanDecision.Planned planned) {
                plans.add(planned.plan());
            }
        }
        plans.sort(LiquidationStrategy.mostProfitableFirst());
        // what planAndOffer keeps between plans, slot by slot: the lenders' liquidity taken, the balances and pools spent (all
        // local to the rehearsal); what they answer is not used: it runs their code, it does not plan again
        ReserveLiquidity liquidity = new ReserveLiquidity(costs);
        submitter.inFlightLiquidations().forEach(pending -> liquidity.pending(pending.plan()));
        SwapMarket poolsLeft = swaps;
        int transactions = 0;
        for (List<LiquidationPlan> slot : pack(plans)) {
            liquidity.startTransaction();
            for (LiquidationPlan plan : slot) {
                liquidity.take(plan);
                poolsLeft = spend(plan, poolsLeft, balances);
            }
            for (List<LiquidationPlan> batch : contiguousPaths(slot)) {
                submitter.rehearse(submission(batch, costs), fees);
                transactions++;
            }
        }
        return transactions;
    }

    /** What a market's quoting warm-up did: positions quoted (with quotes), of them planned, its duration. */
    record QuotingWarmUp(MarketId market, int quoted, int planned, long ms) {
    }

    /** The quoting warm-ups finished so far (tests; a warm-up that failed is not listed). */
    List<QuotingWarmUp> quotingWarmUps() {
        return List.copyOf(warmUps);
    }

    /** Accounts per shocked asset the warm-up quotes and plans: about what a crash quotes, several times over, at 10,000 borrowers. */
    private static final int WARM_UP_ACCOUNTS_PER_ASSET = 2_000;

    /**
     * Quotes and plans many real positions of the market at shocked prices once, on a thread of its own, so that the JIT
     * has compiled the quoting and planning code before a crash needs it: the rehearsal runs that code a few times, which
     * loads it but leaves it interpreted, and the first crash paid for it (bench, 10,000 borrowers, send first: the first
     * crash head quoted 286 candidates in 175 ms, the next ones 95–485 candidates in 3–22 ms, and its first transaction
     * went out 354 ms after the head against a p50 of 40 ms). It works on the snapshot (a copy: the live book is the head
     * thread's), with a wallet it pretends holds enough, and keeps nothing; it stops after a few seconds at most.
     */
    private void warmUpQuoting(MarketId market, RiskSnapshot snapshot, ExecutionCosts costs, SwapMarket swaps) {
        Thread.ofPlatform().daemon(true).name("warm-up-" + market.name()).start(() -> {
            long started = System.nanoTime();
            long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            int[] counts = new int[2];
            try {
                RehearsalCandidates.forEach(snapshot, WARM_UP_ACCOUNTS_PER_ASSET, candidate -> {
                    counts[0]++;
                    Map<Address, BigInteger> balances = RehearsalCandidates.ampleBalances(List.of(candidate));
                    if (strategy.plan(new PositionId(market, candidate.account()), candidate.quotes(), swaps, costs, balances)
                            instanceof PlanDecision.Planned) {
                        counts[1]++;
                    }
                    return System.nanoTime() < deadline;
                });
                QuotingWarmUp done = new QuotingWarmUp(market, counts[0], counts[1], (System.nanoTime() - started) / 1_000_000);
                warmUps.add(done);
                log.atInfo().addKeyValue("event", "warmed_up").addKeyValue("market", market.toString()).addKeyValue("quoted", done.quoted())
                        .addKeyValue("planned", done.planned()).addKeyValue("ms", done.ms()).log("quoting and planning warmed up");
            } catch (RuntimeException e) {
                log.debug("quoting warm-up in {} stopped: {}", market, e.toString()); // a warm-up only
            }
        });
    }

    /**
     * The ranked plans as transactions, in the order they will be sent: contract-funded plans of a market whose contract
     * has a batch entry ride together, one debt asset to a batch, a batch taking the next plan of its (market, debt asset)
     * until it holds {@code maxItems} or one more would pass {@code maxGas} (the limit it is expected to go out with, Submitter.expectedGasLimit) or
     * the lender's liquidity of its debt asset; then the next batch opens, placed where its first plan was.
     */
    private List<List<LiquidationPlan>> pack(List<LiquidationPlan> plans) {
        KeeperConfig.Batching batching = execution.batching();
        return pack(plans, this::batchable, (batch, plan) -> fits(batch, plan, batching));
    }

    /**
     * {@link #pack(List)} without the market lookups. One debt asset to a batch: the contract runs each debt asset's path
     * with its own flash loan, swap and settlement (about 300,000 gas on the devnet, what a single liquidation costs above
     * a batched item's share), so a batch of two debt assets costs nearly what two batches do, while the gas model learns
     * gas per item by batch size and would price a two-path batch like a one-path one: KeeperBurstIT's warm-up sent such
     * batches with too small a limit and they ran out of gas. A batch with one path is what the model has measured.
     * Inside a batch the items are grouped by swap path, in the order each first appears: the order the contract sells them in.
     */
    static List<List<LiquidationPlan>> pack(List<LiquidationPlan> plans, java.util.function.Predicate<LiquidationPlan> batchable,
                                            java.util.function.BiPredicate<List<LiquidationPlan>, LiquidationPlan> fits) {
        List<List<LiquidationPlan>> slots = new ArrayList<>();
        Map<List<Object>, List<LiquidationPlan>> open = new HashMap<>();
        for (LiquidationPlan plan : plans) {
            if (!batchable.test(plan)) {
                slots.add(List.of(plan));
                continue;
            }
            List<Object> key = List.of(plan.position().market(), plan.quote().debtAsset());
            List<LiquidationPlan> batch = open.get(key);
            if (batch == null || !fits.test(batch, plan)) {
                batch = new ArrayList<>();
                open.put(key, batch);
                slots.add(batch);
            }
            batch.add(plan);
        }
        return slots.stream().map(Keeper::groupedByPath).toList();
    }

    /**
     * Stable: a batch's plans in the order the contract runs them. The contract runs one debt asset's path after another
     * (its flash loan, its items, then its swaps, each path undone whole if it fails), debt assets in the order they first
     * appear, and inside a path sells one swap per swap path in the order those first appear. So: the plans of each debt
     * asset together, and inside them the plans of each swap path together, each in the order it first appears.
     */
    static List<LiquidationPlan> groupedByPath(List<LiquidationPlan> plans) {
        Map<Address, Map<List<Address>, List<LiquidationPlan>>> byDebt = new LinkedHashMap<>();
        plans.forEach(p -> byDebt.computeIfAbsent(p.quote().debtAsset(), k -> new LinkedHashMap<>())
                .computeIfAbsent(p.route().path(), k -> new ArrayList<>()).add(p));
        return byDebt.values().stream().flatMap(paths -> paths.values().stream()).flatMap(List::stream).toList();
    }

    /**
     * A batch's plans made again may take another route than when the batch was packed: where a swap path, or a debt asset,
     * would come back after another one (the contract would then run it in another order than planned), the batch is cut
     * there, the rest following in a batch of its own, so the chain still runs exactly the order planned.
     */
    static List<List<LiquidationPlan>> contiguousPaths(List<LiquidationPlan> planned) {
        List<List<LiquidationPlan>> batches = new ArrayList<>();
        List<LiquidationPlan> current = new ArrayList<>();
        Contiguity paths = new Contiguity();
        Contiguity debts = new Contiguity();
        for (LiquidationPlan plan : planned) {
            List<Address> path = plan.route().path();
            Address debt = plan.quote().debtAsset();
            if (paths.comesBack(path) || debts.comesBack(debt)) {
                batches.add(current);
                current = new ArrayList<>();
                paths = new Contiguity();
                debts = new Contiguity();
            }
            paths.see(path);
            debts.see(debt);
            current.add(plan);
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Whether a key comes back after another key took its place (keys seen so far, the last one apart). */
    private static final class Contiguity {
        private final Set<Object> closed = new java.util.HashSet<>();
        private Object last;

        boolean comesBack(Object key) {
            return !key.equals(last) && closed.contains(key);
        }

        void see(Object key) {
            if (last != null && !key.equals(last)) {
                closed.add(last);
            }
            last = key;
        }
    }

    /** One transaction: a plan alone, or a batch through our contract's batch entry. */
    private Submission submission(List<LiquidationPlan> plans, Map<MarketId, ExecutionCosts> costs) {
        if (plans.size() == 1) {
            LiquidationPlan plan = plans.get(0);
            return Submission.single(liquidation(plan, costs.get(plan.position().market()), call(plan)));
        }
        LendingMarket market = markets.get(plans.get(0).position().market());
        Address liquidator = execution.liquidators().get(market.id());
        ContractCall batch = (plans.get(0).funding() == Funding.WALLET
                ? market.encoder().walletBatch(liquidator, plans.stream().map(LiquidationPlan::quote).toList())
                : market.encoder().contractFundedBatch(liquidator, plans.stream()
                        .map(p -> new LiquidationEncoder.BatchItem(p.quote(), p.route().path(), p.minAmountOut(), p.minProfitTokens())).toList()))
                .orElseThrow();
        // an item's own call is never sent: it rides in the batch's (encoding each would cost a millisecond or so before the wire)
        List<Liquidation> items = plans.stream().map(p -> liquidation(p, costs.get(p.position().market()), new ContractCall(batch.to(), "0x"))).toList();
        return new Submission(items, batch.to(), batch.data(), true);
    }

    /**
     * Batches go through our contract's batch entry: flash-loan plans always, wallet plans when a contract is configured for
     * their market (it pulls the wallet's tokens and hands the collateral back; aTokens cannot be handed over that way).
     */
    private boolean batchable(LiquidationPlan plan) {
        if (execution.batching().maxItems() < 2) {
            return false;
        }
        MarketId market = plan.position().market();
        if (plan.funding() == Funding.WALLET && (execution.receiveAToken() || !execution.liquidators().containsKey(market))) {
            return false;
        }
        return markets.get(market).encoder().hasBatchEntry();
    }

    /** One more plan stays within the batch's item and gas caps and within the lender's liquidity of its debt asset. */
    private boolean fits(List<LiquidationPlan> batch, LiquidationPlan plan, KeeperConfig.Batching batching) {
        if (batch.size() + 1 > batching.maxItems()) {
            return false;
        }
        List<LiquidationPlan> with = new ArrayList<>(batch);
        with.add(plan);
        List<GasModel.Key> keys = with.stream().map(p -> new GasModel.Key(p.position().protocol(), p.quote().collateralAsset(), p.quote().debtAsset(),
                p.funding(), with.size())).toList();
        if (submitter.expectedGasLimit(keys) > batching.maxGas()) {
            return false;
        }
        if (plan.funding() == Funding.WALLET) {
            return true; // the wallet's balance was checked when the plan was made, against what the plans before it spend
        }
        Address debt = plan.quote().debtAsset();
        BigInteger capacity = markets.get(plan.position().market()).contractFundingCapacity().get(debt);
        BigInteger borrowed = with.stream().filter(p -> p.quote().debtAsset().equals(debt)).map(p -> p.quote().debtToRequest())
                .reduce(BigInteger.ZERO, BigInteger::add);
        return capacity == null || borrowed.compareTo(capacity) <= 0;
    }

    /** The addresses that liquidate for us: the signer and our liquidator contracts. */
    private Set<Address> ourAddresses() {
        Set<Address> ours = new java.util.HashSet<>(execution.liquidators().values());
        ours.add(submitter.from());
        return ours;
    }

    /**
     * Every market's positions near liquidation that this head may plan: not ours, not in flight, not backing off (those
     * need no quote this block). Every position not near liquidation has recovered.
     */
    private Set<PositionId> candidates(BlockHeader head) {
        Set<PositionId> near = new LinkedHashSet<>();
        for (LendingMarket market : markets.values()) {
            market.accountsNearLiquidation().forEach(account -> near.add(new PositionId(market.id(), account)));
        }
        events.recoveredExcept(near);
        Set<Address> ours = ourAddresses();
        // Aave 3.4+ refuses self-liquidation (ValidationLogic.sol:309 of aave-v3-origin 3.6), and nobody should liquidate themselves
        near.removeIf(position -> ours.contains(position.account()) || !submitter.accepting(position, head.number()));
        return near;
    }

    /**
     * Quotes the next candidates at the next block's time until {@code limit} more opportunities are found (or none is
     * left); those not quotable get their reason.
     */
    private void quote(Iterator<PositionId> candidates, Map<PositionId, Opportunity> opportunities, int limit, BlockHeader head, long nextTimestamp) {
        int found = 0;
        while (found < limit && candidates.hasNext()) {
            PositionId position = candidates.next();
            Opportunity opportunity = markets.get(position.market()).opportunity(position.account(), nextTimestamp);
            if (opportunity.quotes().isEmpty()) {
                if (opportunity.liquidatable()) {
                    events.liquidatable(position, head.number()); // bad debt is liquidatable too: it can become overdue
                    events.decision(opportunity.unpriced()
                            ? new PlanDecision.Rejected(position, RejectReason.UNPRICED,
                                    "health factor below 1 but no USD price for a token of the position: its profit cannot be valued")
                            : new PlanDecision.Rejected(position, RejectReason.NOTHING_TO_SEIZE,
                                    "health factor below 1 but no collateral a liquidator may seize (bad debt)"));
                } else {
                    events.recovered(position);
                }
                continue;
            }
            events.liquidatable(position, head.number());
            // A transaction may land a block or two later than planned (a busy node, a retried send): an account that
            // interest makes healthy again by then would revert the liquidation. Plan only what stays liquidatable.
            long later = nextTimestamp + LANDING_MARGIN_BLOCKS * blockInterval;
            if (!markets.get(position.market()).liquidatableAt(position.account(), later)) {
                events.decision(new PlanDecision.Rejected(position, RejectReason.RECOVERING, "liquidatable at the next block, healthy again "
                        + LANDING_MARGIN_BLOCKS + " blocks later from interest alone"));
                continue;
            }
            opportunities.put(position, opportunity);
            found++;
        }
    }

    /** The native token's price in {@code market}'s value unit: its own price, else another market's, converted (rounded up: a cost). */
    private BigInteger nativePrice(LendingMarket market) {
        Optional<BigInteger> own = market.price(execution.wrappedNative());
        if (own.isPresent()) {
            return own.get();
        }
        for (LendingMarket other : markets.values()) {
            Optional<BigInteger> price = other.price(execution.wrappedNative());
            if (price.isPresent()) {
                return market.valuation().fromCeil(price.get(), other.valuation());
            }
        }
        throw new IllegalStateException("no market prices the wrapped native token " + execution.wrappedNative() + ": gas cannot be valued");
    }

    /** The plan's own transaction: the protocol's liquidation from the wallet, or our contract's single entry. */
    private ContractCall call(LiquidationPlan plan) {
        LendingMarket market = markets.get(plan.position().market());
        return plan.funding() == Funding.WALLET
                ? market.encoder().wallet(plan.quote(), execution.receiveAToken())
                : market.encoder().contractFunded(execution.liquidators().get(market.id()), plan.quote(), plan.route().path(), plan.minAmountOut(),
                        plan.minProfitTokens());
    }

    private Liquidation liquidation(LiquidationPlan plan, ExecutionCosts costs, ContractCall call) {
        BigInteger minProfit = costs.valuation().fromUsdCeil(strategy.settings().minProfitUsd());
        BigInteger gross = plan.grossProfitBase();
        Optional<BigInteger> lossAllowed = plan.quote().badDebtLossAllowance();
        if (lossAllowed.isPresent() && plan.netProfitBase().compareTo(minProfit) < 0) {
            // realizing bad debt at an accepted loss (the strategy checked it): gas may spend the allowance too, no minimum applies
            gross = gross.add(lossAllowed.get());
            minProfit = BigInteger.ZERO;
        }
        return new Liquidation(plan, call.to(), call.data(), costs.baseToWei(gross), costs.baseToWeiCeil(minProfit));
    }

    /**
     * The pools as our pending contract-funded liquidations will leave them: those transactions (sent on an earlier
     * head, not mined by this one) run before anything planned now, so their sales move the prices this round's
     * sales get, as pending wallet liquidations spend the balance ({@link #spendable}). Without this, a second
     * round planned while the first is pending over-estimates its proceeds and its swaps revert on their minimum
     * output (seen on the demo with Morpho: many WETH sales into one pool over two heads).
     */
    private SwapMarket afterPendingSwaps(SwapMarket pools) {
        SwapMarket after = pools;
        for (Liquidation pending : submitter.inFlightLiquidations()) {
            LiquidationPlan plan = pending.plan();
            List<Address> path = plan.route().path();
            boolean known = true;
            for (int i = 0; i + 1 < path.size(); i++) {
                known &= after.pools().containsKey(new SwapMarket.TokenPair(path.get(i), path.get(i + 1)));
            }
            if (plan.funding() == Funding.FLASH_LOAN && known) {
                after = after.afterSwap(plan.route(), plan.quote().collateralToLiquidator());
            }
        }
        return after;
    }

    /** The markets' assets: what the wallet may repay with. Asked on the keeper's thread (a market may hold its lock while it reads logs). */
    private List<Address> walletAssets() {
        return markets.values().stream().flatMap(m -> m.assets().stream()).distinct().toList();
    }

    /** The keeper's balance of each of {@code assets}, in one Multicall3 round (any thread: it reads only the chain). */
    private Map<Address, BigInteger> walletHoldings(List<Address> assets, BlockTag tag) {
        List<Multicall3.Result> results = multicall.aggregate3(assets.stream()
                .map(a -> new Multicall3.Call(a, Erc20.balanceOf(submitter.from()))).toList(), tag);
        Map<Address, BigInteger> holdings = new HashMap<>();
        for (int i = 0; i < assets.size(); i++) {
            holdings.put(assets.get(i), results.get(i).success() ? Words.uint(results.get(i).returnData(), 0) : BigInteger.ZERO);
        }
        return holdings;
    }

    /** The wallet's holdings less what our pending liquidations will pull: that is not there to spend again. */
    private Map<Address, BigInteger> spendable(Map<Address, BigInteger> holdings) {
        Map<Address, BigInteger> committed = new HashMap<>();
        for (Liquidation pending : submitter.inFlightLiquidations()) {
            if (pending.plan().funding() == Funding.WALLET) {
                committed.merge(pending.plan().quote().debtAsset(), pending.plan().quote().debtToRequest(), BigInteger::add);
            }
        }
        Map<Address, BigInteger> balances = new HashMap<>();
        holdings.forEach((asset, held) -> balances.put(asset, held.subtract(committed.getOrDefault(asset, BigInteger.ZERO)).max(BigInteger.ZERO)));
        return balances;
    }
}
