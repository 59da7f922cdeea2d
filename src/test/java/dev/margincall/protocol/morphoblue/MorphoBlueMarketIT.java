package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.head.HeadTracker;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.Opportunity;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Morpho adapter as the keeper drives it, on the devnet: start, blocks and heads, quotes at the next block's
 * timestamp, the encoder's wallet calls all sent into the one block after a crash: every liquidatable position
 * liquidated, none reverted, every Liquidate event equal to its quote, and the events seen again as liquidations.
 */
@WithDevnet(borrowers = 60, seed = 31, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MorphoBlueMarketIT {

    private static final Address LIQUIDATOR = DevnetDeployer.derivedAddress("margin-call/test/morpho-market-liquidator");
    private static final Address PROBE = DevnetDeployer.derivedAddress("margin-call/test/morpho-market-probe");
    private static final BigInteger MAX_FEE = BigInteger.valueOf(1_000_000_000_000L);

    private static MorphoBlueMarket market;
    private static final dev.margincall.chain.logs.InMemoryCheckpointStore STORE = new dev.margincall.chain.logs.InMemoryCheckpointStore();
    private static long fedUpTo;

    @Test
    @Order(1)
    void startsWithEveryPositionValuedInUsd(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        UsdPrices usd = new AaveOracleUsdPrices(devnet.chain(), deployment.multicall3(), deployment.aaveV3().oracle());
        MorphoBlueMonitor monitor = new MorphoBlueMonitor(devnet.chain(),
                new MorphoBlueMonitor.Settings(morpho.morpho(), deployment.multicall3(), morpho.startBlock(), 5, Optional.empty()), usd,
                STORE, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "devnet");
        market = new MorphoBlueMarket(new MarketId("morpho-blue", "devnet"), monitor, usd, morpho.morpho());
        BlockHeader head = devnet.chain().block(BlockTag.LATEST);
        market.start(head);
        fedUpTo = head.number();

        assertThat(market.evaluatedBlock()).isEqualTo(head.number());
        assertThat(market.accountsTracked()).isEqualTo(3 * 60 + 1); // the liquidity provider supplies all three markets
        assertThat(market.liquidatableCount()).isZero();
        assertThat(market.valuation().unitsPerUsd()).isEqualTo(BigInteger.TEN.pow(8));
        assertThat(market.assets()).containsExactlyInAnyOrder(morpho.token("WETH").asset(), morpho.token("USDC").asset(),
                morpho.token("WBTC").asset(), morpho.token("WSTETH").asset());
        assertThat(market.price(morpho.token("WETH").asset())).contains(ReserveSpec.usd(2_000));
        // wstETH, priced only through its Morpho oracle (1.17 WETH) and WETH's USD price
        assertThat(market.price(morpho.token("WSTETH").asset())).contains(ReserveSpec.usd(2_340));
        assertThat(market.encoder().walletSpender()).isEqualTo(morpho.morpho());
        assertThat(market.encoder().fundingPremiumBps()).isZero();
    }

    @Test
    @Order(2)
    void afterACrashEveryLiquidatablePositionIsLiquidatedInTheNextBlockAsQuoted(Devnet devnet) {
        DevChain chain = devnet.chain();
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        fund(devnet); // before the head the quotes are made at: the liquidations must land in the very next block
        devnet.market().movePrice("WETH", -1_000, PriceMoveMethod.STORAGE_WRITE);
        devnet.market().movePrice("WBTC", -800, PriceMoveMethod.STORAGE_WRITE);
        BlockHeader head = feed(chain);
        int chainLiquidatable = chainLiquidatable(devnet);
        assertThat(market.liquidatableCount()).isPositive().isEqualTo(chainLiquidatable);

        // the candidates come largest USD debt first (the keeper's express transaction takes the first liquidatable one): each
        // account's debt over its positions near liquidation, the loan token at its USD price
        MorphoBlueMonitor monitor = market.monitor();
        java.util.Map<Address, BigInteger> debtUsd = new java.util.HashMap<>();
        monitor.health().forEach((key, health) -> {
            if (health.borrowed().signum() > 0 && health.healthFactor().compareTo(MorphoBlueMonitor.NEAR_LIQUIDATION) < 0) {
                Address loan = monitor.market(key.id()).orElseThrow().params().loanToken();
                debtUsd.merge(key.account(), health.borrowed().multiply(monitor.usdPrice(loan).orElseThrow())
                        .divide(BigInteger.TEN.pow(monitor.decimals(loan))), BigInteger::add);
            }
        });
        List<Address> near = market.accountsNearLiquidation();
        assertThat(near).as("every account near liquidation, once").containsExactlyInAnyOrderElementsOf(debtUsd.keySet());
        assertThat(near.stream().map(debtUsd::get).toList()).as("largest USD debt first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(debtUsd.get(near.get(0))).as("the first one's debt is worth more than the last one's").isGreaterThan(debtUsd.get(near.get(near.size() - 1)));

        long next = head.timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS;
        List<Quote> quotes = new ArrayList<>();
        for (Address account : near) {
            Opportunity opportunity = market.opportunity(account, next);
            if (opportunity.liquidatable()) {
                quotes.addAll(opportunity.quotes());
            }
        }
        assertThat(quotes).as("one quote per liquidatable position").hasSize(chainLiquidatable);
        assertThat(quotes).allSatisfy(q -> assertThat(q.collateralValue()).isPositive());

        long nonce = chain.transactionCount(LIQUIDATOR, BlockTag.LATEST);
        List<CallRequest> transactions = new ArrayList<>();
        for (Quote quote : quotes) {
            ContractCall call = market.encoder().wallet(quote, false);
            transactions.add(new CallRequest(LIQUIDATOR, call.to(), call.data(), null, BigInteger.valueOf(1_000_000)).withNonce(nonce++)
                    .withFees(MAX_FEE, BigInteger.ZERO));
        }
        List<String> hashes;
        chain.setAutomine(false);
        try {
            hashes = chain.sendTransactions(transactions);
            chain.mine();
        } finally {
            chain.setAutomine(true);
        }
        assertThat(chain.block(BlockTag.LATEST).timestamp()).as("the quotes' timestamp").isEqualTo(next);
        List<TransactionReceipt> receipts = chain.receipts(hashes).stream().map(Optional::orElseThrow).toList();
        assertThat(receipts).as("reverted liquidations").allMatch(TransactionReceipt::success);
        assertThat(receipts.stream().map(TransactionReceipt::blockNumber).distinct()).hasSize(1);
        // Liquidations of one market in one block move its share price for the next by rounding: the chain's numbers
        // are each quote's sizing applied, in transaction order, to the state the ones before it left.
        java.util.Map<String, dev.margincall.protocol.morphoblue.model.MarketState> running = new java.util.HashMap<>();
        int shifted = 0;
        BigInteger repaidOnChain = BigInteger.ZERO;
        for (int i = 0; i < quotes.size(); i++) {
            MorphoQuote quote = (MorphoQuote) quotes.get(i);
            MorphoBlueScan.ScannedMarket scanned = market.monitor().market(quote.marketId()).orElseThrow();
            dev.margincall.protocol.morphoblue.model.MarketState before = running.computeIfAbsent(quote.marketId(),
                    id -> dev.margincall.protocol.morphoblue.model.InterestAccrual.accrue(scanned.stored(), scanned.borrowRate(), next).market());
            dev.margincall.protocol.morphoblue.model.PositionState position = market.monitor().positions()
                    .get(new MorphoBlueEvents.PositionTouched(quote.marketId(), quote.account()));
            dev.margincall.protocol.morphoblue.model.Liquidation model = new dev.margincall.protocol.morphoblue.model.Liquidation(position, before,
                    scanned.price(), quote.params().lltv());
            dev.margincall.protocol.morphoblue.model.LiquidationQuote expected = quote.bySeizedAssets()
                    ? model.bySeizedAssets(quote.quote().seizedAssets()) : model.byRepaidShares(quote.quote().repaidShares());
            running.put(quote.marketId(), expected.marketAfter());
            repaidOnChain = repaidOnChain.add(expected.repaidAssets());
            LogEntry event = receipts.get(i).logs().stream().filter(l -> MorphoBlueEvents.LIQUIDATE.equals(l.topic0())).findFirst().orElseThrow();
            assertThat(java.util.stream.IntStream.range(0, 5).mapToObj(k -> Words.uint(event.data(), k)).toList())
                    .as("Liquidate of %s in %s", quote.account(), quote.marketId())
                    .containsExactly(expected.repaidAssets(), expected.repaidShares(), expected.seizedAssets(), expected.badDebtAssets(),
                            expected.badDebtShares());
            // The adapter's own quote (made on the block's starting state) is off by the rounding of those before it: a few loan-token
            // units, and the collateral those are worth (one USDC unit is 5.5e8 wei of WETH): under $0.00001 either way.
            assertThat(quote.debtToCover().subtract(expected.repaidAssets()).abs()).isLessThanOrEqualTo(BigInteger.TEN);
            assertThat(quote.collateralToLiquidator().subtract(expected.seizedAssets()).abs().multiply(quote.collateralPrice())
                    .divide(BigInteger.TEN.pow(quote.collateralDecimals()))).isLessThanOrEqualTo(BigInteger.valueOf(1_000));
            if (!quote.quote().equals(expected)) {
                shifted++;
            }
        }
        org.slf4j.LoggerFactory.getLogger(MorphoBlueMarketIT.class).info("{} Morpho liquidations in one block, none reverted; {} quotes shifted by "
                + "the ones before them in the same market", quotes.size(), shifted);

        feed(chain);
        assertThat(market.liquidatableCount()).isZero();
        assertThat(chainLiquidatable(devnet)).isZero();
        List<MarketLiquidation> seen = market.drainLiquidations();
        assertThat(seen).hasSize(quotes.size()).allSatisfy(l -> assertThat(l.liquidator()).isEqualTo(LIQUIDATOR));
        assertThat(seen.stream().map(l -> l.position().account()).sorted().toList())
                .isEqualTo(quotes.stream().map(Quote::account).sorted().toList());
        assertThat(seen.stream().map(MarketLiquidation::debtRepaid).reduce(BigInteger.ZERO, BigInteger::add))
                .isEqualTo(repaidOnChain);
        assertThat(morpho.markets()).isNotEmpty();
    }

    @Test
    @Order(3)
    void aMarketCreatedLaterIsPickedUpAndARollbackRescans(Devnet devnet) {
        DevChain chain = devnet.chain();
        Deployment.MorphoMarket template = devnet.deployment().morphoBlue().market("WETH/USDC");
        MarketParams params = new MarketParams(template.loanToken(), template.collateralToken(), template.oracle(), template.irm(),
                new BigInteger("945000000000000000"));
        new Transactor(chain).send("create a fourth market", DevnetDeployer.DEPLOYER, devnet.deployment().morphoBlue().morpho(),
                Abi.call("createMarket(" + MarketParams.TUPLE + ")", params.with()), 1_000_000);
        BlockHeader head = feed(chain);
        assertThat(market.monitor().markets()).hasSize(4).anyMatch(m -> m.id().equals(params.id()));

        int tracked = market.accountsTracked();
        market.onRollback(new BlockRef(head.number() - 1, head.parentHash()), List.of(head));
        market.onBlock(head);
        market.onHead(head);
        assertThat(market.evaluatedBlock()).isEqualTo(head.number());
        assertThat(market.accountsTracked()).isEqualTo(tracked);
        assertThat(market.monitor().markets()).hasSize(4);
    }

    /**
     * One block opens a newcomer's position and adds collateral to a seeded borrower's; a reorg replaces it with an empty
     * block. The log stream retracts exactly that block's events: the newcomer is forgotten (all its events are gone), the
     * borrower stays known with its collateral as before, and markets, positions and per-position event counts equal what
     * a monitor started from scratch on the new chain finds.
     */
    @Test
    @Order(4)
    void aReorgRetractsExactlyTheEventsOfTheBlocksItRemoved(Devnet devnet) {
        DevChain chain = devnet.chain();
        Deployment.MorphoMarket wethUsdc = devnet.deployment().morphoBlue().market("WETH/USDC");
        MarketParams params = new MarketParams(wethUsdc.loanToken(), wethUsdc.collateralToken(), wethUsdc.oracle(), wethUsdc.irm(), wethUsdc.lltv());
        Address newcomer = DevnetDeployer.derivedAddress("margin-call/test/morpho-reorg-newcomer");
        Address seeded = devnet.morphoBorrowers().get("WETH/USDC").get(0).address();
        MorphoBlueEvents.PositionTouched seededKey = new MorphoBlueEvents.PositionTouched(wethUsdc.id(), seeded);
        dev.margincall.protocol.morphoblue.model.PositionState seededBefore = market.monitor().positions().get(seededKey);
        assertThat(seededBefore).isNotNull();
        chain.setBalance(newcomer, BigInteger.TEN.pow(20));
        BigInteger collateral = BigInteger.TEN.pow(18);
        BigInteger gift = BigInteger.TEN.pow(15);
        BigInteger borrow = BigInteger.valueOf(1_000_000_000L); // 1,000 USDC against 1 WETH
        long nonce = chain.transactionCount(newcomer, BlockTag.LATEST);
        Address morpho = devnet.deployment().morphoBlue().morpho();
        List<String> calls = List.of(
                Abi.call("mint(uint256)", uint(collateral.add(gift))),
                Abi.call("approve(address,uint256)", address(morpho), uint(collateral.add(gift))),
                Abi.call("supplyCollateral(" + MarketParams.TUPLE + ",uint256,address,bytes)", params.with(uint(collateral), address(newcomer), Abi.bytes("0x"))),
                Abi.call("borrow(" + MarketParams.TUPLE + ",uint256,uint256,address,address)", params.with(uint(borrow), uint(0), address(newcomer),
                        address(newcomer))),
                Abi.call("supplyCollateral(" + MarketParams.TUPLE + ",uint256,address,bytes)", params.with(uint(gift), address(seeded), Abi.bytes("0x"))));
        List<Address> targets = List.of(wethUsdc.collateralToken(), wethUsdc.collateralToken(), morpho, morpho, morpho);
        List<CallRequest> transactions = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            transactions.add(new CallRequest(newcomer, targets.get(i), calls.get(i), null, BigInteger.valueOf(500_000)).withNonce(nonce + i)
                    .withFees(MAX_FEE, BigInteger.ZERO));
        }
        chain.setAutomine(false);
        try {
            chain.receipts(chain.sendTransactions(transactions));
            chain.mine();
        } finally {
            chain.setAutomine(true);
        }
        int before = market.accountsTracked();
        BlockHeader opened = feed(chain);
        assertThat(market.accounts()).contains(newcomer);
        assertThat(market.accountsTracked()).isEqualTo(before + 1);
        assertThat(market.monitor().positions().get(seededKey).collateral()).isEqualTo(seededBefore.collateral().add(gift));

        chain.reorg(1); // the block that opened the position is replaced by an empty one
        BlockHeader replacement = chain.block(BlockTag.LATEST);
        assertThat(replacement.number()).isEqualTo(opened.number());
        assertThat(replacement.hash()).isNotEqualTo(opened.hash());
        market.onRollback(new BlockRef(opened.number() - 1, opened.parentHash()), List.of(opened));
        market.onBlock(replacement);
        market.onHead(replacement);
        assertThat(market.accounts()).doesNotContain(newcomer);
        assertThat(market.accountsTracked()).isEqualTo(before);
        assertThat(market.evaluatedBlock()).isEqualTo(replacement.number());
        assertThat(market.monitor().positions().get(seededKey)).as("the seeded borrower's position, back as before").isEqualTo(seededBefore);

        market.flush();
        MorphoReference fresh = MorphoReference.at(chain, devnet.deployment(), replacement);
        MorphoReference after = MorphoReference.of(market.monitor(), STORE);
        assertThat(after.markets()).isEqualTo(fresh.markets());
        assertThat(after.positions()).isEqualTo(fresh.positions());
        assertThat(after.logState()).as("markets and per-position event counts").isEqualTo(fresh.logState());
        assertThat(after.logState().path("positions").path(wethUsdc.id()).has(newcomer.hex())).isFalse();
    }

    /**
     * The markets' state prefetched beside a head's logs ({@code prefetch}, what the keeper asks for in a crash's hot spell):
     * a head without touched positions then costs only the prefetch's two rounds, one with a touched position one request
     * more (its position alone); a prefetch for a block that is no longer the head, or whose read failed, is not used and
     * the head is read as usual. Each way markets (prices, totals, rates, interest) and positions equal those of a monitor
     * started from scratch at that head. A monitor of its own, through the fault proxy, counted per eth_call.
     */
    @Test
    @Order(5)
    void aPrefetchedHeadIsUsedOnlyForItsOwnHead(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        try (FaultProxy proxy = new FaultProxy(deployment.rpcUrl()); Web3jEthRpc rpc = new Web3jEthRpc(proxy.url())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MeteredEthRpc metered = new MeteredEthRpc(rpc, registry);
            MorphoBlueMonitor own = MorphoReference.monitor(metered, deployment, new dev.margincall.chain.logs.InMemoryCheckpointStore(), registry,
                    "prefetching");
            own.start(metered.block(BlockTag.LATEST));
            HeadTracker tracker = new HeadTracker(metered, own, 20, registry, Clock.systemUTC());
            tracker.sync();

            // a silent oracle move and an empty block: the prefetch is the whole head (counted from before it: it reads on another thread)
            devnet.market().movePrice("WETH", -300, PriceMoveMethod.STORAGE_WRITE);
            long before = ethCalls(registry);
            own.prefetch(chain.block(BlockTag.LATEST));
            tracker.sync();
            assertThat(ethCalls(registry) - before).as("the prefetch's two rounds only").isEqualTo(2);
            assertThat(prefetches(registry, "used")).isEqualTo(1);
            assertEqualsAFreshMonitor(devnet, own);

            // collateral added to a seeded borrower's position: the prefetch, then that position alone
            Address gifter = DevnetDeployer.derivedAddress("margin-call/test/morpho-prefetch-gifter");
            Deployment.MorphoMarket wethUsdc = morpho.market("WETH/USDC");
            Address seeded = devnet.morphoBorrowers().get("WETH/USDC").get(1).address();
            MorphoBlueEvents.PositionTouched seededKey = new MorphoBlueEvents.PositionTouched(wethUsdc.id(), seeded);
            BigInteger collateralBefore = own.positions().get(seededKey).collateral();
            BigInteger gift = BigInteger.TEN.pow(16);
            chain.setBalance(gifter, BigInteger.TEN.pow(20));
            Transactor tx = new Transactor(chain);
            tx.send("mint the gift", gifter, wethUsdc.collateralToken(), Abi.call("mint(uint256)", uint(gift)));
            tx.send("approve Morpho", gifter, wethUsdc.collateralToken(), Abi.call("approve(address,uint256)", address(morpho.morpho()), uint(gift)));
            tracker.sync();
            MarketParams params = new MarketParams(wethUsdc.loanToken(), wethUsdc.collateralToken(), wethUsdc.oracle(), wethUsdc.irm(), wethUsdc.lltv());
            tx.send("supply collateral for a seeded borrower", gifter, morpho.morpho(), Abi.call("supplyCollateral(" + MarketParams.TUPLE
                    + ",uint256,address,bytes)", params.with(uint(gift), address(seeded), Abi.bytes("0x"))));
            long beforeTouched = ethCalls(registry);
            own.prefetch(chain.block(BlockTag.LATEST));
            tracker.sync();
            assertThat(ethCalls(registry) - beforeTouched).as("the prefetch's two rounds, then the touched position alone").isEqualTo(3);
            assertThat(prefetches(registry, "used")).isEqualTo(2);
            assertThat(own.positions().get(seededKey).collateral()).isEqualTo(collateralBefore.add(gift));
            assertEqualsAFreshMonitor(devnet, own);

            // prefetched, then the chain moves on before the head is handled: the newer head is read as usual
            long beforeStale = ethCalls(registry);
            own.prefetch(chain.block(BlockTag.LATEST));
            devnet.market().movePrice("WBTC", -250, PriceMoveMethod.STORAGE_WRITE);
            tracker.sync();
            assertThat(ethCalls(registry) - beforeStale).as("the unused prefetch, then the head's own two rounds").isEqualTo(4);
            assertThat(prefetches(registry, "unused")).isEqualTo(1);
            assertEqualsAFreshMonitor(devnet, own);

            // the prefetch's first round refused: the head is read as usual
            devnet.market().movePrice("WETH", -200, PriceMoveMethod.STORAGE_WRITE);
            long beforeRefused = ethCalls(registry);
            proxy.refuseOnce("eth_call", 0, "upstream timed out");
            own.prefetch(chain.block(BlockTag.LATEST));
            tracker.sync();
            assertThat(ethCalls(registry) - beforeRefused).as("the refused prefetch, then the head's own two rounds").isEqualTo(3);
            assertThat(prefetches(registry, "failed")).isEqualTo(1);
            assertThat(prefetches(registry, "used")).isEqualTo(2);
            assertEqualsAFreshMonitor(devnet, own);
        }
    }

    /** Markets (prices, totals, rates, accrued interest) and positions equal those of a monitor started from scratch at the latest block. */
    private static void assertEqualsAFreshMonitor(Devnet devnet, MorphoBlueMonitor own) {
        BlockHeader head = devnet.chain().block(BlockTag.LATEST);
        assertThat(own.evaluatedBlock()).isEqualTo(head.number());
        MorphoBlueMonitor fresh = MorphoReference.monitor(devnet.chain(), devnet.deployment(), new dev.margincall.chain.logs.InMemoryCheckpointStore(),
                new SimpleMeterRegistry(), "fresh");
        fresh.start(head);
        assertThat(own.markets()).as("markets at %d", head.number()).isEqualTo(fresh.markets());
        assertThat(own.positions()).as("positions at %d", head.number()).isEqualTo(fresh.positions());
    }

    private static double prefetches(SimpleMeterRegistry registry, String outcome) {
        return registry.get(MetricNames.HEAD_PREFETCHES).tag("outcome", outcome).counter().count();
    }

    /** eth_call requests the registry counted (every outcome). */
    private static long ethCalls(SimpleMeterRegistry registry) {
        return registry.find(MetricNames.RPC_REQUESTS).tag("method", "eth_call").timers().stream().mapToLong(t -> t.count()).sum();
    }

    /** Publishes every block since the last one fed, then the head, as the head tracker does. */
    private static BlockHeader feed(DevChain chain) {
        long latest = chain.blockNumber();
        BlockHeader head = null;
        for (long n = fedUpTo + 1; n <= latest; n++) {
            head = chain.block(BlockTag.number(n));
            market.onBlock(head);
        }
        fedUpTo = latest;
        market.onHead(head);
        return head;
    }

    /** Positions the chain would let anyone liquidate now (liquidate does not revert "position is healthy"). */
    private static int chainLiquidatable(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        int count = 0;
        for (MorphoBlueEvents.PositionTouched key : market.monitor().positions().keySet()) {
            Optional<Deployment.MorphoMarket> deployed = morpho.markets().stream().filter(m -> m.id().equals(key.id())).findFirst();
            if (deployed.isEmpty()) {
                continue;
            }
            try {
                devnet.chain().call(new CallRequest(PROBE, morpho.morpho(), MorphoChain.liquidate(deployed.get(), key.account(), BigInteger.ONE,
                        BigInteger.ZERO), null, null), BlockTag.LATEST);
            } catch (CallRevertedException e) {
                if (!e.reason().contains("position is healthy")) {
                    count++;
                }
            }
        }
        return count;
    }

    private static void fund(Devnet devnet) {
        DevChain chain = devnet.chain();
        chain.setBalance(LIQUIDATOR, BigInteger.TEN.pow(20));
        Transactor tx = new Transactor(chain);
        BigInteger plenty = BigInteger.TEN.pow(40);
        for (Address token : market.monitor().markets().stream().map(m -> m.params().loanToken()).distinct().toList()) {
            tx.send("mint", LIQUIDATOR, token, Abi.call("mint(uint256)", uint(plenty)));
            tx.send("approve", LIQUIDATOR, token, Abi.call("approve(address,uint256)", address(market.encoder().walletSpender()), uint(plenty)));
        }
    }
}
