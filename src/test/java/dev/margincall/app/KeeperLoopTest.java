package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.FakeEthRpc.Tx;
import dev.margincall.chain.FakeEthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.core.Hex;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.observability.MetricNames;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.Opportunity;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationStrategy;
import dev.margincall.strategy.StrategySettings;
import dev.margincall.submit.FeePolicy;
import dev.margincall.submit.SendJournal;
import dev.margincall.submit.Submitter;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;

/**
 * The keeper's block loop with two scripted markets, the real strategy and the real submitter on
 * {@link FakeEthRpc}: what each block does to the markets, when it plans, in which order the plans of
 * both markets go out, and what it leaves alone. The markets count value in different units (10^8 and
 * 10^18 per USD), so only a ranking in USD sends them in the right order.
 */
class KeeperLoopTest {

    /** Anvil's public test account #9: a test key, never a real one. */
    private static final TransactionSigner SIGNER = TransactionSigner.fromPrivateKey(
            "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6", "test");
    private static final Address MULTICALL = Address.of("0xca11bde05977b3631167028862be2a173976ca11");
    private static final Address WETH = Address.of("0x4200000000000000000000000000000000000006");
    private static final Address USDC = Address.of("0x1000000000000000000000000000000000000006");
    private static final Address DAI = Address.of("0x1000000000000000000000000000000000000018");
    private static final long FIRST_NONCE = 3;

    private final FakeEthRpc rpc = new FakeEthRpc();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Aave-like: 10^8 value units per USD, USDC debt. */
    private final FakeMarket core = new FakeMarket(new MarketId("aave-v3", "core"), BigInteger.TEN.pow(8), USDC, 6,
            Address.of("0x2000000000000000000000000000000000000001"));
    /** 10^18 value units per USD, DAI debt. */
    private final FakeMarket prime = new FakeMarket(new MarketId("aave-v3", "prime"), BigInteger.TEN.pow(18), DAI, 18,
            Address.of("0x2000000000000000000000000000000000000002"));
    private final KeeperEvents events = new KeeperEvents(registry, List.of(core.id(), prime.id()));
    private final Submitter submitter = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
            new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false), events, SendJournal.none(), List.of());
    private final Keeper keeper = new Keeper(List.of(core, prime),
            new LiquidationStrategy(new StrategySettings(Funding.WALLET, BigDecimal.ONE, BigDecimal.ONE, 300_000, 1_000_000)),
            submitter, Optional.empty(), rpc, MULTICALL,
            new Keeper.Execution(Funding.WALLET, Map.of(), WETH, 12, false), events, registry);

    KeeperLoopTest() {
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        rpc.contract(MULTICALL, KeeperLoopTest::plentyOfEveryToken);
    }

    @AfterEach
    void close() {
        submitter.close();
    }

    /** aggregate3 of balanceOf calls: the wallet holds 10^30 units of every token asked. */
    private static String plentyOfEveryToken(dev.margincall.chain.CallRequest call) {
        int calls = Words.uint("0x" + Hex.strip(call.data()).substring(8), 1).intValueExact();
        List<DynamicStruct> results = IntStream.range(0, calls)
                .mapToObj(i -> new DynamicStruct(new Bool(true), Abi.bytes(Hex.word(BigInteger.TEN.pow(30))))).toList();
        return "0x" + Abi.encodeArguments(new DynamicArray<>(DynamicStruct.class, results));
    }

    /** Blocks {@code from}..{@code to} published one by one, then the head at {@code to}, as the head tracker does. */
    private BlockHeader follow(long from, long to) {
        for (long n = from; n <= to; n++) {
            keeper.onBlock(rpc.advanceTo(n));
        }
        keeper.onHead(rpc.header(to));
        return rpc.header(to);
    }

    private static Address account(String name) {
        return DevnetDeployer.derivedAddress("margin-call/test/keeper-loop/" + name);
    }

    private List<Address> sentAccounts() {
        return rpc.received().stream().map(tx -> Words.address("0x" + Hex.strip(tx.data()).substring(8), 0)).toList();
    }

    @Test
    void everyBlockReachesEveryMarketAndTheNewestIsPlannedOnceForBothMarketsRankedInUsdWithOneNonceSequence() {
        Address smallCore = core.near(account("core-100"), 100);
        Address bigCore = core.near(account("core-300"), 300);
        Address midPrime = prime.near(account("prime-200"), 200);

        BlockHeader head = follow(1, 3);

        assertThat(core.blocks).containsExactly(1L, 2L, 3L);
        assertThat(prime.blocks).containsExactly(1L, 2L, 3L);
        assertThat(core.heads).containsExactly(3L);
        assertThat(prime.heads).containsExactly(3L);
        assertThat(registry.get(MetricNames.PLANNING_SKIPPED).counter().count()).as("blocks 1 and 2 had no planning round").isEqualTo(2.0);
        assertThat(rpc.simulations()).as("one bundle for both markets").singleElement()
                .satisfies(s -> assertThat(s.timestamp()).isEqualTo(head.timestamp() + FakeEthRpc.BLOCK_INTERVAL));
        assertThat(sentAccounts()).as("most profitable in USD first").containsExactly(bigCore, midPrime, smallCore);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2);
        assertThat(rpc.received()).extracting(Tx::to).containsExactly(core.pool, prime.pool, core.pool);
        assertThat(keeper.processedBlock()).isEqualTo(3);
    }

    @Test
    void aPositionInFlightIsNotPlannedAgainAndIsPlannedAfterItSettles() {
        Address first = core.near(account("first"), 100);
        Address second = prime.near(account("second"), 100);
        follow(1, 1);
        core.quoted.clear();
        prime.quoted.clear();

        follow(2, 2);
        assertThat(core.quoted).isEmpty();
        assertThat(prime.quoted).isEmpty();
        assertThat(rpc.received()).hasSize(2);

        rpc.mineAll(3);
        core.healthy(first); // liquidated in full
        Address third = core.near(account("third"), 50);
        follow(3, 3);
        assertThat(events.outcomes()).extracting(Outcome::status).containsExactly("mined", "mined");
        assertThat(core.quoted).containsExactly(third);
        assertThat(prime.quoted).as("settled: planned again (a partial liquidation)").containsExactly(second);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 3);
    }

    @Test
    void afterStopPlanningBlocksAreFollowedAndInFlightTransactionsSettleButNothingIsSent() {
        core.near(account("before-stop"), 100);
        follow(1, 1);
        keeper.stopPlanning();
        core.near(account("after-stop"), 500);
        core.quoted.clear();
        rpc.mineAll(2);

        follow(2, 2);

        assertThat(core.heads).containsExactly(1L, 2L);
        assertThat(events.outcomes()).extracting(Outcome::status).containsExactly("mined");
        assertThat(core.quoted).isEmpty();
        assertThat(rpc.received()).hasSize(1);
        assertThat(rpc.count("eth_simulateV1")).isEqualTo(1);
        assertThat(keeper.processedBlock()).isEqualTo(2);
    }

    @Test
    void aRollbackReachesEveryMarketAndPutsTheSubmittersMinedLiquidationsBackInFlight() {
        core.near(account("reorged"), 100);
        follow(1, 1);
        rpc.mineAll(2);
        core.nearAccounts.clear();
        follow(2, 2);
        assertThat(submitter.inFlightCount()).isZero();

        BlockHeader removed = rpc.header(2);
        rpc.reorgAfter(1, true);
        keeper.onRollback(new BlockRef(1, rpc.header(1).hash()), List.of(removed));

        assertThat(core.rollbacks).containsExactly(1L);
        assertThat(prime.rollbacks).containsExactly(1L);
        assertThat(submitter.inFlightCount()).isEqualTo(1);
    }

    @Test
    void aLiquidationStillInFlightHasTakenItsCollateralWhenTheNextHeadPlans() {
        core.capacity.put(WETH, BigInteger.TEN.pow(18)); // 1 WETH left in the collateral's reserve
        core.near(account("pending-a"), 100); // seizes 0.55 WETH
        follow(1, 1);
        assertThat(rpc.received()).hasSize(1);

        Address b = core.near(account("pending-b"), 100); // 0.55 more: not there while the first is not mined
        follow(2, 2);

        assertThat(rpc.received()).as("nothing sent for the second").hasSize(1);
        assertThat(events.rejections()).containsEntry(b, dev.margincall.strategy.RejectReason.NO_LIQUIDITY);
    }

    /** The same markets and chain, a submitter that sends each transaction before its simulation (closed after the test). */
    private Keeper sendingFirst() {
        Submitter first = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false, 300_000, false), events, SendJournal.none(), List.of());
        closing.add(first);
        return new Keeper(List.of(core, prime),
                new LiquidationStrategy(new StrategySettings(Funding.WALLET, BigDecimal.ONE, BigDecimal.ONE, 300_000, 1_000_000)),
                first, Optional.empty(), rpc, MULTICALL, new Keeper.Execution(Funding.WALLET, Map.of(), WETH, 12, false), events, registry);
    }

    private final List<Submitter> closing = new ArrayList<>();

    @AfterEach
    void closeSendingFirst() {
        closing.forEach(Submitter::close);
    }

    private static void follow(Keeper keeper, FakeEthRpc rpc, long to) {
        for (long n = 1; n <= to; n++) {
            keeper.onBlock(rpc.advanceTo(n));
        }
        keeper.onHead(rpc.header(to));
    }

    @Test
    void sendingFirstTheMarketsFirstOpportunityIsOnTheWireAloneBeforeTheOthersAreQuoted() {
        Keeper keeper = sendingFirst();
        Address smallCore = core.near(account("express-100"), 100); // first in the market's order, not the most profitable
        Address bigCore = core.near(account("express-300"), 300);
        Address midPrime = prime.near(account("express-200"), 200);
        core.sentWhenQuoted(rpc);
        prime.sentWhenQuoted(rpc);

        follow(keeper, rpc, 3);

        assertThat(sentAccounts()).as("the express one first, then the others most profitable first").containsExactly(smallCore, bigCore, midPrime);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2);
        assertThat(core.sentBeforeQuote).as("transactions on the wire when each was quoted").containsEntry(smallCore, 0).containsEntry(bigCore, 1);
        assertThat(prime.sentBeforeQuote).containsEntry(midPrime, 1);
        assertThat(rpc.sendBatches()).as("the express one alone, then the other two in one batch").containsExactly(2);
        assertThat(rpc.simulations()).as("one verification of all three after the sends").singleElement();
    }

    @Test
    void sendingFirstInAHotSpellTheMarketsMayPrefetchTheHeadAndItsFeesAndWalletBalancesAreReadWhileItsLogsAre() {
        Keeper keeper = sendingFirst();
        follow(keeper, rpc, 2); // the first head's start rehearsal reads the fees and balances once, as a hot head does
        long quietCalls = rpc.count("eth_call");
        BlockHeader three = rpc.advanceTo(3);
        keeper.headComing(three);
        keeper.onBlock(three);
        keeper.onHead(three);
        assertThat(rpc.count("eth_call")).as("a quiet head (nothing near liquidation, none before) reads no balances").isEqualTo(quietCalls);
        assertThat(core.coming).as("a quiet head is not announced to the markets").isEmpty();

        Address first = core.near(account("hot-first"), 100);
        keeper.onBlock(rpc.advanceTo(4));
        keeper.onHead(rpc.header(4)); // a head with candidates: the hot spell begins (its own reads went out after the markets')
        Address second = core.near(account("hot-second"), 100);
        long fees = rpc.count("eth_feeHistory");
        long calls = rpc.count("eth_call");
        // the head's logs read lasts until both reads have reached the node (at most 5 s): only reads already out can end it
        core.onBlockWaitsFor(() -> rpc.count("eth_feeHistory") > fees && rpc.count("eth_call") > calls);
        BlockHeader five = rpc.advanceTo(5);
        keeper.headComing(five);
        keeper.onBlock(five);
        keeper.onHead(five);

        assertThat(core.coming).as("in the hot spell the markets hear of the head before its blocks").containsExactly(5L);
        assertThat(prime.coming).containsExactly(5L);
        assertThat(core.waited).as("the fee and balance reads reached the node while the head's logs were read").containsExactly(true);
        assertThat(rpc.count("eth_feeHistory")).as("read once for the head: the early read was used, not made again").isEqualTo(fees + 1);
        assertThat(rpc.count("eth_call")).as("the balances read once for the head").isEqualTo(calls + 1);
        assertThat(sentAccounts()).containsExactly(first, second);
    }

    @Test
    void sendingFirstAFailedFeeReadStillReportsEveryCandidateLiquidatableAndSendsNothing() {
        Keeper keeper = sendingFirst();
        Address a = core.near(account("fees-a"), 100);
        Address b = core.near(account("fees-b"), 300);
        Address c = prime.near(account("fees-c"), 200);
        rpc.failNext("eth_feeHistory", FakeEthRpc.error("eth_feeHistory", -32000, "upstream timeout"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> follow(keeper, rpc, 3)).hasMessageContaining("upstream timeout");

        assertThat(core.quoted).containsExactlyInAnyOrder(a, b);
        assertThat(prime.quoted).containsExactly(c);
        assertThat(events.footprint().liquidatableSince()).as("positions with a liquidatable episode open").isEqualTo(3);
        assertThat(rpc.received()).isEmpty();
    }

    @Test
    void sendingFirstAFailureAfterTheExpressTransactionStillVerifiesAndTracksIt() {
        Keeper keeper = sendingFirst();
        Address express = core.near(account("fail-first"), 100);
        Address explodes = core.near(account("fail-second"), 300);
        core.explodesWhenQuoted(explodes);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> follow(keeper, rpc, 3)).hasMessageContaining("quote failed");

        assertThat(sentAccounts()).containsExactly(express);
        assertThat(rpc.simulations()).as("the round finished: what went out was verified").singleElement();
        assertThat(closing.get(0).inFlightCount()).as("and is tracked").isEqualTo(1);
    }

    /**
     * A market whose near-liquidation accounts and quotes the test sets: every account's debt is 1,000 USD of
     * the market's stablecoin, its collateral WETH at 2,000 USD worth the debt plus the profit asked.
     */
    private static final class FakeMarket implements LendingMarket, LiquidationEncoder {

        final MarketId id;
        final Valuation valuation;
        final Address debtAsset;
        final int debtDecimals;
        final Address pool;
        final Map<Address, Quote> nearAccounts = new LinkedHashMap<>();
        /** What the reserves can pay out (none listed: no limit). */
        final Map<Address, BigInteger> capacity = new LinkedHashMap<>();
        final List<Long> blocks = new ArrayList<>();
        final List<Long> heads = new ArrayList<>();
        /** The heads announced before their blocks ({@link LendingMarket#headComing}). */
        final List<Long> coming = new ArrayList<>();
        final List<Long> rollbacks = new ArrayList<>();
        /** Accounts asked for a quote (each once: the keeper also asks a couple of blocks ahead, see Keeper.LANDING_MARGIN_BLOCKS). */
        final java.util.Set<Address> quoted = new java.util.LinkedHashSet<>();

        FakeMarket(MarketId id, BigInteger unitsPerUsd, Address debtAsset, int debtDecimals, Address pool) {
            this.id = id;
            this.valuation = new Valuation(unitsPerUsd);
            this.debtAsset = debtAsset;
            this.debtDecimals = debtDecimals;
            this.pool = pool;
        }

        Address near(Address account, long profitUsd) {
            BigInteger usd = valuation.unitsPerUsd();
            BigInteger collateral = BigInteger.valueOf(1_000 + profitUsd).multiply(BigInteger.TEN.pow(18)).divide(BigInteger.valueOf(2_000));
            nearAccounts.put(account, new LiquidationQuote(account, WETH, debtAsset, BigInteger.valueOf(1_000).multiply(BigInteger.TEN.pow(debtDecimals)),
                    collateral, BigInteger.ZERO, usd.multiply(BigInteger.valueOf(2_000)), usd, 18, debtDecimals, 10_500,
                    BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(95)).divide(BigInteger.valueOf(100))));
            return account;
        }

        void healthy(Address account) {
            nearAccounts.remove(account);
        }

        @Override
        public MarketId id() {
            return id;
        }

        @Override
        public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
            rollbacks.add(commonAncestor.number());
        }

        @Override
        public void headComing(BlockHeader newest) {
            coming.add(newest.number());
        }

        @Override
        public void onBlock(BlockHeader header) {
            blocks.add(header.number());
            if (blockWaitsFor != null) {
                long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
                boolean met = blockWaitsFor.getAsBoolean();
                while (!met && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    met = blockWaitsFor.getAsBoolean();
                }
                waited.add(met);
            }
        }

        @Override
        public void onHead(BlockHeader head) {
            heads.add(head.number());
        }

        /** Whether {@link #onBlockWaitsFor}'s condition came true during each block's read (its logs). */
        final List<Boolean> waited = new ArrayList<>();
        private java.util.function.BooleanSupplier blockWaitsFor;

        /** Each block's read (its logs) lasts until {@code condition} holds, or 5 s. */
        void onBlockWaitsFor(java.util.function.BooleanSupplier condition) {
            blockWaitsFor = condition;
        }

        @Override
        public void start(BlockHeader head) {
        }

        @Override
        public void flush() {
        }

        @Override
        public long evaluatedBlock() {
            return heads.isEmpty() ? -1 : heads.get(heads.size() - 1);
        }

        @Override
        public int accountsTracked() {
            return nearAccounts.size();
        }

        @Override
        public List<Address> accounts() {
            return List.copyOf(nearAccounts.keySet());
        }

        @Override
        public int liquidatableCount() {
            return nearAccounts.size();
        }

        @Override
        public List<Address> accountsNearLiquidation() {
            return List.copyOf(nearAccounts.keySet());
        }

        /** For each account quoted, how many transactions had reached the node by then (after {@link #sentWhenQuoted}). */
        final Map<Address, Integer> sentBeforeQuote = new LinkedHashMap<>();
        private FakeEthRpc watched;
        private Address explodes;

        void sentWhenQuoted(FakeEthRpc rpc) {
            watched = rpc;
        }

        void explodesWhenQuoted(Address account) {
            explodes = account;
        }

        @Override
        public Opportunity opportunity(Address account, long nextTimestamp) {
            if (account.equals(explodes)) {
                throw new IllegalStateException("quote failed (test)");
            }
            if (watched != null) {
                sentBeforeQuote.putIfAbsent(account, watched.received().size());
            }
            quoted.add(account);
            return new Opportunity(new PositionId(id, account), true, List.of(nearAccounts.get(account)));
        }

        @Override
        public Map<Address, BigInteger> contractFundingCapacity() {
            return Map.copyOf(capacity);
        }

        @Override
        public Valuation valuation() {
            return valuation;
        }

        @Override
        public Optional<BigInteger> price(Address asset) {
            return asset.equals(WETH) ? Optional.of(valuation.unitsPerUsd().multiply(BigInteger.valueOf(2_000)))
                    : asset.equals(debtAsset) ? Optional.of(valuation.unitsPerUsd()) : Optional.empty();
        }

        @Override
        public List<Address> assets() {
            return List.of(debtAsset, WETH);
        }

        @Override
        public LiquidationEncoder encoder() {
            return this;
        }

        @Override
        public List<dev.margincall.protocol.spi.MarketLiquidation> drainLiquidations() {
            return List.of();
        }

        @Override
        public Address walletSpender() {
            return pool;
        }

        /** The account first, so the test reads who a transaction liquidates. */
        @Override
        public ContractCall wallet(Quote quote, boolean receiveCollateralAsToken) {
            return new ContractCall(pool, Abi.call("liquidate(address,address,uint256)", Abi.address(quote.account()), Abi.address(quote.debtAsset()),
                    Abi.uint(quote.debtToCover())));
        }

        @Override
        public ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
            throw new UnsupportedOperationException("these tests fund liquidations from the wallet");
        }

        @Override
        public int fundingPremiumBps() {
            return 0;
        }
    }
}
