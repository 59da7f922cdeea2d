package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.head.HeadTracker;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.Holding;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The live monitor, block after block, against the devnet: silent price writes, position events, shadow verification. */
@WithDevnet(borrowers = 150, seed = 31)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AaveV3MonitorIT {

    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static AaveV3Monitor monitor;
    private static HeadTracker tracker;

    /** JSON-RPC round trips the monitor made so far (all methods, all outcomes). */
    private static long requests() {
        return REGISTRY.find(MetricNames.RPC_REQUESTS).timers().stream().mapToLong(t -> t.count()).sum();
    }

    private static void startOnce(Devnet devnet) {
        if (monitor != null) {
            return;
        }
        Deployment deployment = devnet.deployment();
        monitor = new AaveV3Monitor(new MeteredEthRpc(devnet.chain(), REGISTRY), deployment.multicall3(), deployment.aaveV3().poolAddressesProvider(),
                new AaveV3Monitor.Settings(0, 5, 1_000, 7), new InMemoryCheckpointStore(), REGISTRY);
        monitor.start(devnet.chain().block(BlockTag.LATEST));
        tracker = new HeadTracker(devnet.chain(), monitor, 20, REGISTRY, Clock.systemUTC());
        tracker.sync(); // the head the monitor started at: published, nothing new
    }

    /** Every tracked account equals getUserAccountData at the head, and the liquidatable sets agree. */
    private static void assertMatchesChain(Devnet devnet) {
        assertBookMatchesChain(devnet, monitor);
    }

    /** The monitor started, and a block mined and handled to settle anything left from earlier steps. */
    private static void startSettled(Devnet devnet) {
        startOnce(devnet);
        devnet.chain().mine();
        tracker.sync();
    }

    /** The borrower gets {@code amount} of the (devnet, mintable) debt token and lets the Pool pull it for a repay. */
    private static void fundRepay(Transactor tx, Deployment deployment, SeededBorrower borrower, Address asset, BigInteger amount) {
        tx.send("mint for repay", borrower.address(), asset, Abi.call("mint(uint256)", uint(amount)));
        tx.send("approve", borrower.address(), asset, Abi.call("approve(address,uint256)", address(deployment.aaveV3().pool()), uint(amount)));
    }

    @Test
    @Order(1)
    void startsWithEveryAccountEvaluated(Devnet devnet) {
        startOnce(devnet);
        assertThat(monitor.book().size()).isEqualTo(151); // borrowers + the liquidity provider
        assertMatchesChain(devnet);
    }

    @Test
    @Order(2)
    void aPriceWrittenIntoFeedStorageIsSeenAtTheNextBlock(Devnet devnet) {
        startOnce(devnet);
        devnet.market().movePrice("WBTC", -3_000, PriceMoveMethod.STORAGE_WRITE);
        devnet.market().movePrice("WETH", -1_500, PriceMoveMethod.STORAGE_WRITE);
        tracker.sync();
        assertThat(monitor.liquidatableCount()).isPositive();
        assertMatchesChain(devnet);
        Set<Address> candidates = monitor.candidates().stream().map(c -> c.account()).collect(Collectors.toSet());
        assertThat(candidates).hasSize(monitor.liquidatableCount());
    }

    @Test
    @Order(3)
    void aFullRepayAndAnATokenTransferAreReflected(Devnet devnet) {
        startOnce(devnet);
        Deployment deployment = devnet.deployment();
        Transactor tx = new Transactor(devnet.chain());
        SeededBorrower borrower = devnet.borrowers().stream().filter(b -> b.debt().size() == 1).findFirst().orElseThrow();
        Holding debt = borrower.debt().get(0);
        Address asset = deployment.reserve(debt.symbol()).asset();
        BigInteger plenty = debt.amount().multiply(BigInteger.TWO);
        fundRepay(tx, deployment, borrower, asset, plenty);
        tx.send("repay all", borrower.address(), deployment.aaveV3().pool(), Abi.call("repay(address,uint256,uint256,address)",
                address(asset), uint(WadRayMath.MAX_UINT256), uint(2), address(borrower.address())));

        Address newcomer = DevnetDeployer.derivedAddress("margin-call/test/atoken-receiver");
        Deployment.Reserve weth = deployment.reserve("WETH");
        tx.send("move aWETH", deployment.liquidityProvider(), weth.aToken(),
                Abi.call("transfer(address,uint256)", address(newcomer), uint(BigInteger.TEN.pow(18).multiply(BigInteger.TEN))));
        tracker.sync();

        AccountData repaid = monitor.book().evaluation(borrower.address()).orElseThrow();
        assertThat(repaid.totalDebtBase()).isZero();
        assertThat(repaid.healthFactor()).isEqualTo(WadRayMath.MAX_UINT256);
        assertThat(monitor.book().accounts()).contains(newcomer);
        // 3.0 enables received aTokens as collateral; 3.6 does not (the receiver enables it): either way the book equals the chain
        BigInteger received = monitor.book().evaluation(newcomer).orElseThrow().totalCollateralBase();
        if (devnet.aaveVersion() == dev.margincall.devnet.AaveVersion.V3_0) {
            assertThat(received).isPositive();
        } else {
            assertThat(received).isZero();
        }
        assertMatchesChain(devnet);
        assertThat(REGISTRY.find(MetricNames.SHADOW_MISMATCHES).counter().count()).isZero();
        assertThat(REGISTRY.find(MetricNames.SHADOW_CHECKS).counter().count()).isPositive();
    }

    @Test
    @Order(5)
    void aQuietBlockCostsTwoRequests(Devnet devnet) {
        startSettled(devnet);
        long before = requests();
        devnet.chain().mine();
        tracker.sync();
        // the block's logs; reserves, prices and the shadow sample in one multicall (the header is the head tracker's)
        assertThat(requests() - before).isEqualTo(2);
        assertMatchesChain(devnet);
    }

    @Test
    @Order(4)
    void shadowVerificationCatchesADivergingLocalStateAndRepairsIt(Devnet devnet) {
        startOnce(devnet);
        Address victim = devnet.borrowers().get(3).address();
        // Corrupt the local copy: pretend the account has nothing. No event will ever touch it.
        monitor.book().updatePositions(List.of(new Position(victim, BigInteger.ZERO, 0, Map.of())));
        assertThat(monitor.book().evaluation(victim).orElseThrow().healthFactor()).isEqualTo(WadRayMath.MAX_UINT256);
        devnet.chain().mine();
        tracker.sync();
        assertThat(REGISTRY.find(MetricNames.SHADOW_MISMATCHES).counter().count()).isEqualTo(1);
        assertMatchesChain(devnet);
    }

    private static double priceMoves(String trigger) {
        return REGISTRY.get(MetricNames.PRICE_CHANGES).tag("trigger", trigger).counter().count();
    }

    @Test
    @Order(6)
    void priceMovesAreCountedByWhetherAnOracleEventAnnouncedThem(Devnet devnet) {
        startOnce(devnet);
        double silent = priceMoves("silent");
        double announced = priceMoves("event");

        devnet.market().movePrice("DAI", -100, PriceMoveMethod.STORAGE_WRITE);
        tracker.sync();
        assertThat(priceMoves("silent")).isEqualTo(silent + 1);
        assertThat(priceMoves("event")).isEqualTo(announced);

        devnet.market().movePrice("USDC", -100, PriceMoveMethod.SOURCE_SWAP); // AssetSourceUpdated
        tracker.sync();
        assertThat(priceMoves("event")).isEqualTo(announced + 1);
        assertThat(priceMoves("silent")).isEqualTo(silent + 1);
        assertMatchesChain(devnet);
    }

    /**
     * A feed that emits Chainlink's AnswerUpdated when its answer is set (runtime bytecode: latestAnswer()
     * returns slot 0; any other call stores its first argument there and emits
     * AnswerUpdated(current = it, roundId = 1, updatedAt = block.timestamp)).
     */
    private static String settableFeedCode() {
        return "0x6350d25bcd60003560e01c1460445760043580600055426000526001907f" + OracleEvents.ANSWER_UPDATED.substring(2)
                + "60206000a3005b60005460005260206000f3";
    }

    @Test
    @Order(7)
    void anAnswerUpdatedOfASourceTheOracleSwitchedToIsWatched(Devnet devnet) {
        startOnce(devnet);
        Address feed = DevnetDeployer.derivedAddress("margin-call/test/settable-feed");
        BigInteger price = devnet.market().price("WETH");
        devnet.chain().setCode(feed, settableFeedCode());
        devnet.chain().setStorageAt(feed, BigInteger.ZERO, dev.margincall.core.Hex.word(price));
        devnet.market().pointOracleAt("WETH", feed); // same price: nothing moves yet
        tracker.sync();
        double silent = priceMoves("silent");
        double announced = priceMoves("event");

        BigInteger lower = price.multiply(BigInteger.valueOf(97)).divide(BigInteger.valueOf(100));
        new Transactor(devnet.chain()).send("set the feed's answer", devnet.deployment().deployer(), feed,
                Abi.call("setAnswer(int256)", Abi.int256(lower)));
        tracker.sync();

        assertThat(devnet.market().price("WETH")).isEqualTo(lower);
        assertThat(monitor.prices().get(devnet.deployment().reserve("WETH").asset())).isEqualTo(lower);
        assertThat(priceMoves("event")).as("announced by the new source's AnswerUpdated").isEqualTo(announced + 1);
        assertThat(priceMoves("silent")).isEqualTo(silent);
        assertMatchesChain(devnet);
    }

    /**
     * The keeper's landing-margin check asks {@code liquidatableAt} (one evaluation) instead of quoting every pair: the
     * answer must be the quotes' (an account is liquidatable at a time exactly when it has a quote then), now and after a
     * year of interest, which makes more accounts liquidatable (so the comparison covers accounts on both sides).
     */
    @Test
    @Order(8)
    void liquidatableAtAnswersAsTheQuotesDo(Devnet devnet) {
        startOnce(devnet);
        Address feed = DevnetDeployer.derivedAddress("margin-call/test/settable-feed"); // the WETH source since order 7
        BigInteger crashed = devnet.market().price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100));
        new Transactor(devnet.chain()).send("crash WETH 30 %", devnet.deployment().deployer(), feed, Abi.call("setAnswer(int256)", Abi.int256(crashed)));
        tracker.sync();
        AaveV3Market market = new AaveV3Market(new dev.margincall.protocol.spi.MarketId("aave-v3", "core"), monitor, devnet.chain());
        long now = devnet.chain().block(BlockTag.LATEST).timestamp() + 12;
        long yearLater = now + 365L * 24 * 3600;
        int liquidatableNow = 0;
        int liquidatableLater = 0;
        for (Address account : monitor.book().accounts()) {
            for (long at : new long[] {now, yearLater}) {
                boolean quoted = !market.opportunity(account, at).quotes().isEmpty();
                assertThat(market.liquidatableAt(account, at)).as(account + " at " + at).isEqualTo(quoted);
            }
            liquidatableNow += market.liquidatableAt(account, now) ? 1 : 0;
            liquidatableLater += market.liquidatableAt(account, yearLater) ? 1 : 0;
        }
        assertThat(liquidatableNow).as("liquidatable after the crash").isPositive();
        assertThat(liquidatableLater).as("a year of interest liquidates more").isGreaterThan(liquidatableNow);
        assertThat(liquidatableLater).isLessThan(monitor.book().accounts().size());
    }

    /**
     * A head whose events touched known accounts reads their positions in the block state's Multicall: a partial repay
     * (the account's configuration keeps its bits) costs the quiet block's two requests; a borrow of a reserve the account
     * did not use (a new configuration bit) costs a third, for that balance alone. Either way the book equals the chain.
     */
    @Test
    @Order(9)
    void touchedAccountsAreReadWithTheBlockStateAndOnlyANewReserveCostsASecondRequest(Devnet devnet) {
        startSettled(devnet);
        SeededBorrower borrower = devnet.borrowers().stream().filter(b -> b.debt().size() == 1 && b.eModeCategory() == 0
                && monitor.book().evaluation(b.address()).orElseThrow().healthFactor().compareTo(BigInteger.TEN.pow(18).multiply(BigInteger.TWO)) > 0)
                .findFirst().orElseThrow();
        Transactor tx = new Transactor(devnet.chain());
        Deployment deployment = devnet.deployment();
        Holding debt = borrower.debt().get(0);
        Address asset = deployment.reserve(debt.symbol()).asset();
        BigInteger part = debt.amount().divide(BigInteger.TEN);
        fundRepay(tx, deployment, borrower, asset, part);
        devnet.chain().mine();
        tracker.sync();
        long before = requests();
        tx.send("repay a tenth", borrower.address(), deployment.aaveV3().pool(), Abi.call("repay(address,uint256,uint256,address)",
                address(asset), uint(part), uint(2), address(borrower.address())));
        tracker.sync();
        assertThat(requests() - before).as("the block's logs; block state and the repaying account's position in one Multicall").isEqualTo(2);
        assertMatchesChain(devnet);

        Deployment.Reserve other = deployment.reserves().stream()
                .filter(r -> borrower.debt().stream().noneMatch(h -> h.symbol().equals(r.symbol()))
                        && borrower.collateral().stream().noneMatch(h -> h.symbol().equals(r.symbol())))
                .findFirst().orElseThrow();
        BigInteger configurationBefore = monitor.book().position(borrower.address()).orElseThrow().userConfiguration();
        before = requests();
        tx.send("borrow a new reserve", borrower.address(), deployment.aaveV3().pool(), Abi.call("borrow(address,uint256,uint256,uint16,address)",
                address(other.asset()), uint(BigInteger.TEN.pow(other.decimals() - 2)), uint(2), uint(0), address(borrower.address())),
                1_000_000); // Anvil estimates at the latest block's time: the reserve's first accrual in a new block costs more
        tracker.sync();
        assertThat(monitor.book().position(borrower.address()).orElseThrow().userConfiguration()).as("a new borrowing bit").isNotEqualTo(configurationBefore);
        assertThat(requests() - before).as("logs, the Multicall, and the new reserve's balance").isEqualTo(3);
        assertMatchesChain(devnet);
    }

    /**
     * A monitor of its own (not the one the tests before share), through a fault proxy and metered, started at the latest
     * block, with its head tracker; closing it closes the proxy.
     */
    private record Own(FaultProxy proxy, Web3jEthRpc rpc, SimpleMeterRegistry registry, AaveV3Monitor monitor, HeadTracker tracker)
            implements AutoCloseable {

        static Own start(Deployment deployment, long seed) throws java.io.IOException {
            FaultProxy proxy = new FaultProxy(deployment.rpcUrl());
            Web3jEthRpc rpc = new Web3jEthRpc(proxy.url());
            try {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                MeteredEthRpc metered = new MeteredEthRpc(rpc, registry);
                AaveV3Monitor monitor = new AaveV3Monitor(metered, deployment.multicall3(), deployment.aaveV3().poolAddressesProvider(),
                        new AaveV3Monitor.Settings(0, 5, 4, seed), new InMemoryCheckpointStore(), registry);
                monitor.start(metered.block(BlockTag.LATEST));
                HeadTracker tracker = new HeadTracker(metered, monitor, 20, registry, Clock.systemUTC());
                tracker.sync();
                return new Own(proxy, rpc, registry, monitor, tracker);
            } catch (RuntimeException e) {
                rpc.close();
                proxy.close();
                throw e;
            }
        }

        @Override
        public void close() {
            rpc.close();
            proxy.close();
        }
    }

    /**
     * An account entering an eMode category listed after the start sends the monitor to read the categories again (3.6);
     * when that read fails, the head fails, and the account must still be touched: the next try reads it again and the
     * book gets its position in the new category. (The accounts were drained before the reload once: the book kept the
     * old position until the account's next event.) A monitor of its own, through the fault proxy.
     */
    @Test
    @Order(10)
    void aFailedEModeReloadLeavesTheTouchedAccountToTheNextTry(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        try (Own started = Own.start(deployment, 11)) {
            AaveV3Monitor own = started.monitor();
            HeadTracker ownTracker = started.tracker();
            int category = own.market().eModeCategories().keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            Transactor tx = new Transactor(devnet.chain());
            tx.send("list an eMode category", deployment.deployer(), deployment.aaveV3().poolConfigurator(),
                    Abi.call("setEModeCategory(uint8,uint16,uint16,uint16,string)", Abi.uint8(category), Abi.uint16(9_000), Abi.uint16(9_300),
                            Abi.uint16(10_100), Abi.string("listed after the start")));
            ownTracker.sync();
            assertThat(own.market().eModeCategories()).as("nobody uses it yet: not read").doesNotContainKey(category);

            Address entrant = deployment.liquidityProvider(); // no debt: may enter a category that lets it borrow nothing
            assertThat(own.book().position(entrant).orElseThrow().eModeCategory()).isNotEqualTo(category);
            // the head's block state and positions come in one eth_call, the categories' reload in the next: refused
            started.proxy().refuseOnce("eth_call", 1, "upstream timed out");
            tx.send("enter it", entrant, deployment.aaveV3().pool(), Abi.call("setUserEMode(uint8)", Abi.uint8(category)));
            assertThatThrownBy(ownTracker::sync).hasMessageContaining("upstream timed out");
            assertThat(own.book().position(entrant).orElseThrow().eModeCategory()).as("the head failed: nothing applied").isNotEqualTo(category);

            ownTracker.sync(); // the same head again, no new block
            assertThat(own.market().eModeCategories()).containsKey(category);
            assertThat(own.book().position(entrant).orElseThrow().eModeCategory()).as("read again on the next try").isEqualTo(category);
            UserAccountData chain = new AccountDataReader(devnet.chain(), deployment.multicall3(), own.contracts().pool())
                    .read(List.of(entrant), BlockTag.LATEST).get(0);
            AccountData local = own.book().evaluation(entrant).orElseThrow();
            assertThat(local.healthFactor()).isEqualTo(chain.healthFactor());
            assertThat(local.totalCollateralBase()).isEqualTo(chain.totalCollateralBase());
        }
    }

    private static double prefetches(SimpleMeterRegistry registry, String outcome) {
        return registry.get(MetricNames.HEAD_PREFETCHES).tag("outcome", outcome).counter().count();
    }

    /** eth_call requests the registry counted (every outcome). */
    private static long ethCalls(SimpleMeterRegistry registry) {
        return registry.find(MetricNames.RPC_REQUESTS).tag("method", "eth_call").timers().stream().mapToLong(t -> t.count()).sum();
    }

    /**
     * A head's block state prefetched beside its logs ({@code prefetch}, what the keeper asks for in a crash's hot spell): a
     * head without touched accounts then costs no eth_call of its own, one with a touched account one (its position alone);
     * a prefetch for a block that is no longer the head, or whose read failed, is not used and the head is read as usual.
     * Each way the book equals the chain. A monitor of its own, through the fault proxy.
     */
    @Test
    @Order(11)
    void aPrefetchedBlockStateIsUsedOnlyForItsOwnHead(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        try (Own started = Own.start(deployment, 13)) {
            AaveV3Monitor own = started.monitor();
            HeadTracker ownTracker = started.tracker();
            // a silent price write and an empty block: the prefetched state is the whole head
            // (counted from before the prefetch: its eth_call goes out on another thread)
            devnet.market().movePrice("DAI", -200, PriceMoveMethod.STORAGE_WRITE);
            devnet.chain().mine();
            long before = ethCalls(started.registry());
            own.prefetch(devnet.chain().block(BlockTag.LATEST));
            ownTracker.sync();
            assertThat(ethCalls(started.registry()) - before).as("the prefetch only").isEqualTo(1);
            assertThat(prefetches(started.registry(), "used")).isEqualTo(1);
            assertThat(own.prices().get(deployment.reserve("DAI").asset())).isEqualTo(devnet.market().price("DAI"));
            assertBookMatchesChain(devnet, own);

            // a partial repay: the prefetched state, then the repaying account's position alone
            Transactor tx = new Transactor(devnet.chain());
            SeededBorrower borrower = devnet.borrowers().stream().filter(b -> b.debt().size() == 1 && b.eModeCategory() == 0).skip(1)
                    .findFirst().orElseThrow();
            Address asset = deployment.reserve(borrower.debt().get(0).symbol()).asset();
            BigInteger part = borrower.debt().get(0).amount().divide(BigInteger.valueOf(7));
            fundRepay(tx, deployment, borrower, asset, part);
            ownTracker.sync();
            BigInteger debtBefore = own.book().evaluation(borrower.address()).orElseThrow().totalDebtBase();
            tx.send("repay a seventh", borrower.address(), deployment.aaveV3().pool(), Abi.call("repay(address,uint256,uint256,address)",
                    address(asset), uint(part), uint(2), address(borrower.address())));
            long beforeRepayHead = ethCalls(started.registry());
            own.prefetch(devnet.chain().block(BlockTag.LATEST));
            ownTracker.sync();
            assertThat(ethCalls(started.registry()) - beforeRepayHead).as("the prefetch, then the touched position alone").isEqualTo(2);
            assertThat(prefetches(started.registry(), "used")).isEqualTo(2);
            assertThat(own.book().evaluation(borrower.address()).orElseThrow().totalDebtBase()).isLessThan(debtBefore);
            assertBookMatchesChain(devnet, own);

            // prefetched, then the chain moves on before the head is handled: the newer head is read as usual
            long beforeStale = ethCalls(started.registry());
            own.prefetch(devnet.chain().block(BlockTag.LATEST));
            devnet.market().movePrice("WETH", -150, PriceMoveMethod.STORAGE_WRITE);
            devnet.chain().mine();
            ownTracker.sync();
            assertThat(ethCalls(started.registry()) - beforeStale).as("the unused prefetch, then the head's own block state").isEqualTo(2);
            assertThat(prefetches(started.registry(), "unused")).isEqualTo(1);
            assertThat(own.prices().get(deployment.reserve("WETH").asset())).isEqualTo(devnet.market().price("WETH"));
            assertBookMatchesChain(devnet, own);

            // the prefetch's read refused: the head is read as usual
            devnet.market().movePrice("WBTC", -150, PriceMoveMethod.STORAGE_WRITE);
            devnet.chain().mine();
            long beforeRefused = ethCalls(started.registry());
            started.proxy().refuseOnce("eth_call", 0, "upstream timed out");
            own.prefetch(devnet.chain().block(BlockTag.LATEST));
            ownTracker.sync();
            assertThat(ethCalls(started.registry()) - beforeRefused).as("the refused prefetch, then the head's own block state").isEqualTo(2);
            assertThat(prefetches(started.registry(), "failed")).isEqualTo(1);
            assertThat(prefetches(started.registry(), "used")).isEqualTo(2);
            assertThat(own.prices().get(deployment.reserve("WBTC").asset())).isEqualTo(devnet.market().price("WBTC"));
            assertBookMatchesChain(devnet, own);
        }
    }

    /** Every account of {@code own}'s book equals getUserAccountData at the latest block, and the liquidatable counts agree. */
    private static void assertBookMatchesChain(Devnet devnet, AaveV3Monitor own) {
        List<Address> accounts = own.book().accounts();
        List<UserAccountData> chain = new AccountDataReader(devnet.chain(), devnet.deployment().multicall3(), own.contracts().pool())
                .read(accounts, BlockTag.LATEST);
        for (int i = 0; i < accounts.size(); i++) {
            AccountData local = own.book().evaluation(accounts.get(i)).orElseThrow();
            assertThat(local.healthFactor()).as("HF of %s", accounts.get(i)).isEqualTo(chain.get(i).healthFactor());
            assertThat(local.totalDebtBase()).as("debt of %s", accounts.get(i)).isEqualTo(chain.get(i).totalDebtBase());
        }
        assertThat(own.liquidatableCount()).isEqualTo((int) chain.stream().filter(UserAccountData::liquidatable).count());
    }
}
