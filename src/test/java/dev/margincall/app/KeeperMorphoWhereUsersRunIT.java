package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.ChainTools;
import dev.margincall.devnet.ContractArtifact;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
import dev.margincall.protocol.morphoblue.MorphoBlueMarket;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Morpho Blue where users run the keeper: a market nobody told the keeper about, created at runtime by a test user's raw
 * transactions with parameters of its own (a new LLTV, a new oracle and IRM, an 8-decimal collateral against an
 * 18-decimal loan token), and an RPC endpoint that misbehaves. Each test runs on the devnet as the class found it
 * ({@code revertEachTest}).
 */
@WithDevnet(borrowers = 40, seed = 777, protocols = "aave-v3,morpho-blue", revertEachTest = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeeperMorphoWhereUsersRunIT {

    private static final String TUPLE = "(address,address,address,address,uint256)";
    private static final String LIQUIDATE = Abi.topic("Liquidate(bytes32,address,address,uint256,uint256,uint256,uint256,uint256)");
    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger LLTV = new BigInteger("770000000000000000");
    private static final Address LENDER = DevnetDeployer.derivedAddress("margin-call/test/new-market-lender");
    /** Holds the loan token and approved Morpho: its eth_call repayments are what Morpho says a position owes. */
    private static final Address REPAYER = DevnetDeployer.derivedAddress("margin-call/test/new-market-repayer");
    /** Health factors the new market's borrowers open at (per mille); an 8 % fall makes the first three liquidatable. */
    private static final List<Integer> HEALTH_PER_MILLE = List.of(1_010, 1_030, 1_060, 1_100, 1_300, 2_000);
    private static final int WBTC_USD = 40_000;

    private final KeeperHarness keeper = new KeeperHarness();
    /** The meters of the keeper the case started last. */
    private SimpleMeterRegistry registry;

    /** Before the extension reverts the devnet (revertEachTest). */
    @AfterEach
    void closeKeeper() {
        keeper.close();
    }

    /** A market the test created, its borrowers (by the health they opened at) and the oracle it moves. */
    record NewMarket(MorphoParams params, Map<Address, Integer> borrowers) {

        String id() {
            return params.id();
        }
    }

    /** Simulating first (the default) and sending first ({@code simulateBeforeSend: false}). */
    @ParameterizedTest(name = "simulate first: {0}")
    @ValueSource(booleans = {true, false})
    @Order(1)
    void onAutomineANewMarketWithOtherDecimalsIsDiscoveredEvaluatedExactlyAndLiquidatedWithoutARevert(boolean simulateFirst, Devnet devnet)
            throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        ch.qos.logback.classic.Logger monitorLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.margincall.protocol.morphoblue.MorphoBlueMonitor.class);
        monitorLog.addAppender(lines);
        try {
            onAutomine(devnet, chain, lines, simulateFirst);
        } finally {
            monitorLog.detachAppender(lines);
        }
    }

    private void onAutomine(Devnet devnet, DevChain chain, ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines,
                            boolean simulateFirst) throws Exception {
        keeper.runtime = startKeeper(devnet, devnet.deployment().rpcUrl(), Funding.WALLET, Optional.empty(), simulateFirst);
        assertThat(keeper.runtime.sendsFirst()).as("the keeper sends first").isEqualTo(!simulateFirst);

        NewMarket market = createMarket(devnet, devnet.deployment().reserve("DAI").asset(), "WBTC/DAI 77 %");
        // a market whose loan token nobody prices in USD: a token the test deploys, unknown to the Aave oracle
        Address unpricedToken = new Transactor(chain).deploy("XTK", DevnetDeployer.DEPLOYER, ContractArtifact.fromFile(ChainTools.locate()
                .npmFile("@aave/core-v3/artifacts/contracts/mocks/tokens/MintableERC20.sol/MintableERC20.json")).bytecode()
                + Abi.encodeArguments(Abi.string("Unpriced token"), Abi.string("XTK"), Abi.uint8(18)));
        NewMarket unpriced = createMarket(devnet, unpricedToken, "WBTC/XTK 77 %");
        assertHealthIsWhatMorphoComputes(devnet, market);
        assertHealthIsWhatMorphoComputes(devnet, unpriced);

        long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
        long crashBlock = crash(devnet, true, market, unpriced);
        Set<Address> liquidatable = MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(),
                BlockTag.number(crashBlock));
        Set<Address> unpricedLiquidatable = MorphoActions.liquidatable(chain, morpho(devnet), unpriced.params(), unpriced.borrowers().keySet(),
                BlockTag.number(crashBlock));
        keeper.awaitQuiet(chain); // automine: only the keeper's own transactions make blocks now
        Result result = result(devnet, List.of(market, unpriced), crashBlock, nonceBefore);
        result.print("new market, automine, " + (simulateFirst ? "simulating first" : "sending first"));
        assertThat(liquidatable).as("the fall made the borrowers opened below 1.087 liquidatable").hasSize(3);
        result.assertSafe(liquidatable);
        assertThat(result.liquidated().keySet()).as("every liquidatable position of the new priced market liquidated").isEqualTo(liquidatable);
        // each liquidation sent while the keeper handled the crash block: the first block it could land in
        assertThat(keeper.runtime.events().outcomes()).filteredOn(o -> o.status().equals("mined")).extracting(Outcome::sentBlock)
                .containsOnly(crashBlock);

        // the loan token without a USD price: its positions are evaluated, never liquidated (no value to check a profit
        // against), and each is explained by a rejection; the keeper goes on
        assertThat(unpricedLiquidatable).hasSize(3);
        assertThat(result.liquidated().keySet()).doesNotContainAnyElementsOf(unpricedLiquidatable);
        assertThat(keeper.runtime.events().rejections()).as("every unpriced liquidatable position explained").containsKeys(
                unpricedLiquidatable.toArray(Address[]::new));
        assertThat(unpricedLiquidatable).as("each skipped as unpriced, not as bad debt").allSatisfy(a ->
                assertThat(keeper.runtime.events().rejections().get(a)).isEqualTo(dev.margincall.strategy.RejectReason.UNPRICED));
        List<Map<String, String>> unpricedWarnings = lines.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                        && e.getKeyValuePairs() != null && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("event") && "unpriced".equals(kv.value)))
                .map(e -> e.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)))).toList();
        assertThat(unpricedWarnings).as("one warning, for the market whose loan token has no USD price").singleElement().satisfies(w -> {
            assertThat(w.get("market")).isEqualTo(unpriced.id());
            assertThat(w.get("loanToken")).isEqualTo(unpricedToken.toString());
        });
        chain.mine();
        KeeperHarness.awaitHandled(keeper.runtime, chain.blockNumber());
    }

    /** Simulating first (the default) and sending first ({@code simulateBeforeSend: false}: each transaction out before its simulation). */
    @ParameterizedTest(name = "simulate first: {0}")
    @ValueSource(booleans = {true, false})
    @Order(2)
    void withOneSecondBlocksEveryLiquidatablePositionOfTheNewMarketIsLiquidatedInTheFirstBlockAfterTheFall(boolean simulateFirst, Devnet devnet)
            throws Exception {
        DevChain chain = devnet.chain();
        NewMarket market = keeperWatchingANewDaiMarket(devnet, simulateFirst);
        assertThat(keeper.runtime.sendsFirst()).as("the keeper sends first").isEqualTo(!simulateFirst);
        long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
        chain.setAutomine(false);
        chain.setIntervalMining(1);
        long crashBlock = crash(devnet, false, market);
        Set<Address> liquidatable = MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(),
                BlockTag.number(crashBlock));
        keeper.awaitIdle(chain, 4);
        chain.setIntervalMining(0);
        Result result = result(devnet, List.of(market), crashBlock, nonceBefore);
        result.print("new market, 1 s blocks, " + (simulateFirst ? "simulating first" : "sending first"));
        assertThat(liquidatable).hasSize(3);
        result.assertSafe(liquidatable);
        assertThat(result.liquidated()).as("every liquidatable position liquidated in the first block after the fall")
                .isEqualTo(liquidatable.stream().collect(Collectors.toMap(a -> a, a -> crashBlock + 1)));
        if (!simulateFirst) {
            // the heads after the crash's came in its hot spell: the markets' state was read beside their logs, and used
            assertThat(registry.get(dev.margincall.observability.MetricNames.HEAD_PREFETCHES).tag("protocol", "morpho-blue")
                    .tag("outcome", "used").counter().count()).as("Morpho heads whose prefetched state was used").isPositive();
        }
    }

    /** A wallet-funded keeper, then a WBTC/DAI market created while it runs, whose health it holds as Morpho computes it. */
    private NewMarket keeperWatchingANewDaiMarket(Devnet devnet) throws Exception {
        return keeperWatchingANewDaiMarket(devnet, true);
    }

    private NewMarket keeperWatchingANewDaiMarket(Devnet devnet, boolean simulateFirst) throws Exception {
        return keeperWatchingANewDaiMarket(devnet, simulateFirst, Optional.empty());
    }

    /** @param liquidator the keeper's MorphoLiquidator: a block's wallet liquidations of a market ride in batches through it */
    private NewMarket keeperWatchingANewDaiMarket(Devnet devnet, boolean simulateFirst, Optional<Address> liquidator) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        keeper.runtime = startKeeper(devnet, devnet.deployment().rpcUrl(), Funding.WALLET, liquidator, simulateFirst);
        NewMarket market = createMarket(devnet, devnet.deployment().reserve("DAI").asset(), "WBTC/DAI 77 %");
        assertHealthIsWhatMorphoComputes(devnet, market);
        return market;
    }

    /**
     * 250 ms blocks (a mining thread, as on fast L2s): every liquidatable position of the new market liquidated, none
     * reverted; one at a time from the wallet, or in a batch through the keeper's MorphoLiquidator (the market found at
     * runtime, its parameters not the devnet's).
     */
    @ParameterizedTest(name = "wallet batches: {0}")
    @ValueSource(booleans = {false, true})
    @Order(2)
    void withBlocksEvery250MillisecondsEveryLiquidatablePositionOfTheNewMarketIsLiquidatedAndNothingReverts(boolean batches, Devnet devnet)
            throws Exception {
        DevChain chain = devnet.chain();
        Optional<Address> liquidator = batches ? Optional.of(deployLiquidator(devnet)) : Optional.empty();
        NewMarket market = keeperWatchingANewDaiMarket(devnet, true, liquidator);
        long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
        chain.setAutomine(false);
        java.util.concurrent.ScheduledExecutorService miner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        long crashBlock;
        try {
            miner.scheduleAtFixedRate(chain::mine, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
            crashBlock = crash(devnet, false, market);
            keeper.awaitIdle(chain, 8);
        } finally {
            miner.shutdownNow();
            miner.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        Set<Address> liquidatable = MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(),
                BlockTag.number(crashBlock));
        Result result = result(devnet, List.of(market), crashBlock, crashBlock, nonceBefore,
                liquidator.map(l -> Set.of(KEEPER, l)).orElse(Set.of(KEEPER)));
        result.print("new market, 250 ms blocks" + (batches ? ", wallet batches" : ""));
        assertThat(liquidatable).hasSize(3);
        result.assertSafe(liquidatable);
        assertThat(result.liquidated().keySet()).as("every liquidatable position liquidated").isEqualTo(liquidatable);
        assertThat(result.stillLiquidatable()).isEmpty();
        liquidator.ifPresent(l -> assertThat(result.liquidators()).as("in a batch through the contract").containsOnly(l));
    }

    /**
     * The keeper's only endpoint misbehaves all through a crash of the devnet's Morpho markets (WETH −12 %, WBTC −12 %):
     * every 5th request gets one of 429, 500, 503, a timeout, a truncated answer or a rate-limit error, sends included;
     * 1 s blocks. Wallet funding, then contract funding through a MorphoLiquidator, then wallet funding in batches through it.
     */
    @Test
    @Order(3)
    void throughAFaultyEndpointWithWalletFundingEveryLiquidatablePositionIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        throughAFaultyEndpoint(devnet, Funding.WALLET, Optional.empty(), true, "wallet");
    }

    @Test
    @Order(4)
    void throughAFaultyEndpointWithContractFundingEveryLiquidatablePositionIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        throughAFaultyEndpoint(devnet, Funding.FLASH_LOAN, Optional.of(deployLiquidator(devnet)), true, "MorphoLiquidator");
    }

    /** Wallet funding with the contract configured: batches from the wallet's tokens (liquidateBatchFromOwner), the same faults. */
    @Test
    @Order(5)
    void throughAFaultyEndpointWithWalletBatchesEveryLiquidatablePositionIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        throughAFaultyEndpoint(devnet, Funding.WALLET, Optional.of(deployLiquidator(devnet)), true, "wallet batches");
    }

    /** The same wallet batches sent first ({@code simulateBeforeSend: false}): each on the wire before its simulation, the same faults. */
    @Test
    @Order(6)
    void throughAFaultyEndpointSendingWalletBatchesFirstEveryLiquidatablePositionIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        throughAFaultyEndpoint(devnet, Funding.WALLET, Optional.of(deployLiquidator(devnet)), false, "wallet batches sent first");
        assertThat(keeper.runtime.sendsFirst()).as("the keeper sent first").isTrue();
    }

    /** A MorphoLiquidator of the keeper's, on the devnet's Morpho and router; the keeper given gas money for it. */
    static Address deployLiquidator(Devnet devnet) {
        devnet.chain().setBalance(KEEPER, BigInteger.TEN.pow(20));
        return new Transactor(devnet.chain()).deploy("MorphoLiquidator", KEEPER,
                dev.margincall.protocol.morphoblue.MorphoLiquidator.deployData(morpho(devnet), devnet.deployment().uniswapV2().router()));
    }

    private void throughAFaultyEndpoint(Devnet devnet, Funding funding, Optional<Address> liquidator, boolean simulateFirst, String label)
            throws Exception {
        DevChain chain = devnet.chain();
        try (FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl()).timeoutDelay(Duration.ofMillis(500))) {
            keeper.runtime = startKeeper(devnet, proxy.url(), funding, liquidator, simulateFirst);
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            chain.setAutomine(false);
            proxy.failEvery(5, FaultProxy.Fault.values());
            long firstMove = chain.blockNumber() + 1;
            devnet.market().setPrice("WETH", devnet.market().price("WETH").multiply(BigInteger.valueOf(88)).divide(BigInteger.valueOf(100)),
                    PriceMoveMethod.STORAGE_WRITE); // feeds and Morpho's oracles written, one block mined
            devnet.market().setPrice("WBTC", devnet.market().price("WBTC").multiply(BigInteger.valueOf(88)).divide(BigInteger.valueOf(100)),
                    PriceMoveMethod.STORAGE_WRITE);
            long crashBlock = chain.blockNumber();
            chain.setIntervalMining(1);
            List<NewMarket> markets = devnet.deployment().morphoBlue().markets().stream().map(m -> new NewMarket(MorphoParams.of(m),
                    devnet.morphoBorrowers().get(m.name()).stream().collect(Collectors.toMap(MorphoBorrower::address, b -> 0, (a, b) -> a,
                            LinkedHashMap::new)))).toList();
            Set<Address> liquidatable = new LinkedHashSet<>();
            for (NewMarket market : markets) { // the first move's: the keeper may have liquidated them in the second's block
                for (long block : List.of(firstMove, crashBlock)) {
                    liquidatable.addAll(MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(),
                            BlockTag.number(block)));
                }
            }
            keeper.awaitIdle(chain, 6);
            chain.setIntervalMining(0);
            Result result = result(devnet, markets, firstMove, crashBlock, nonceBefore,
                    liquidator.map(l -> Set.of(KEEPER, l)).orElse(Set.of(KEEPER)));
            result.print("faulty endpoint, " + label + " (" + proxy.faultsServed() + " faults served)");
            // every 5th request: how many that makes depends on how soon the keeper is idle (a CI run that liquidated all 39
            // in the first block met 15; others 21-23): at least 10 says the endpoint really failed it through the crash
            assertThat(proxy.faultsServed()).as("faults the keeper met").isGreaterThanOrEqualTo(10);
            assertThat(liquidatable).as("positions the crash made liquidatable").hasSizeGreaterThanOrEqualTo(10);
            result.assertSafe(liquidatable);
            assertThat(result.liquidated().keySet()).as("every liquidatable position liquidated, possibly later than the first block")
                    .isEqualTo(liquidatable);
            if (liquidator.isPresent() && funding == Funding.FLASH_LOAN) {
                assertThat(result.liquidators()).as("through the contract only").containsOnly(liquidator.get());
            } else if (liquidator.isPresent()) {
                // a batch goes through the contract; a plan alone in its block goes from the wallet as without one
                assertThat(result.liquidators()).as("batches through the contract").contains(liquidator.get()).isSubsetOf(KEEPER, liquidator.get());
            }
        }
    }

    // --- the new market ------------------------------------------------------------------------------

    /**
     * Raw transactions of Morpho's owner and of test users, none through the devnet deployer's market code: a fresh
     * IrmMock enabled, LLTV 77 % enabled, an OracleMock at 1 WBTC (8 decimals) = 40,000 loan tokens, the market created,
     * 1,000,000 loan tokens supplied, and one borrower of 1 WBTC at each of {@link #HEALTH_PER_MILLE}.
     */
    private NewMarket createMarket(Devnet devnet, Address loanToken, String name) {
        DevChain chain = devnet.chain();
        Address owner = devnet.deployment().morphoBlue().owner();
        Transactor tx = new Transactor(chain);
        Address irm = tx.deploy(name + " IrmMock", owner, ContractArtifact.fromClasspath("morpho-blue/IrmMock").bytecode());
        Address oracle = tx.deploy(name + " OracleMock", owner, ContractArtifact.fromClasspath("morpho-blue/OracleMock").bytecode());
        // the oracle's scale: 1e36 · 10^loanDecimals / 10^collateralDecimals, so 40,000 · 1e36 · 1e18 / 1e8
        tx.send("oracle price", owner, oracle, Abi.call("setPrice(uint256)", uint(BigInteger.valueOf(WBTC_USD).multiply(BigInteger.TEN.pow(46)))));
        tx.send("enable IRM", owner, morpho(devnet), Abi.call("enableIrm(address)", address(irm)), 1_000_000);
        if (Abi.decodeUint(tx.call(morpho(devnet), Abi.call("isLltvEnabled(uint256)", uint(LLTV)))).signum() == 0) {
            tx.send("enable LLTV 77 %", owner, morpho(devnet), Abi.call("enableLltv(uint256)", uint(LLTV)), 1_000_000);
        }
        MorphoParams params = new MorphoParams(loanToken, devnet.deployment().reserve("WBTC").asset(), oracle, irm, LLTV);
        tx.send("create " + name, owner, morpho(devnet), Abi.call("createMarket(" + TUPLE + ")", params.fields()), 1_000_000);

        chain.setBalance(LENDER, WAD);
        new MorphoActions(devnet, LENDER).supply(params, BigInteger.valueOf(1_000_000).multiply(WAD));
        Map<Address, Integer> borrowers = new LinkedHashMap<>();
        BigInteger oneWbtc = BigInteger.TEN.pow(8);
        BigInteger maxBorrow = BigInteger.valueOf(WBTC_USD).multiply(WAD).multiply(LLTV).divide(WAD); // 30,800 loan tokens
        for (int health : HEALTH_PER_MILLE) {
            Address borrower = DevnetDeployer.derivedAddress("margin-call/test/new-market-borrower/" + name + "/" + health);
            chain.setBalance(borrower, WAD);
            new MorphoActions(devnet, borrower).openPosition(params, oneWbtc, maxBorrow.multiply(BigInteger.valueOf(1_000)).divide(BigInteger.valueOf(health)));
            borrowers.put(borrower, health);
        }
        return new NewMarket(params, borrowers);
    }

    /**
     * The markets' oracles −8 % in one block, by {@code setPrice} transactions of the owner: mined at once on automine
     * ({@code automine}), else by the next interval block. Returns that block.
     */
    private static long crash(Devnet devnet, boolean automine, NewMarket... markets) {
        DevChain chain = devnet.chain();
        BigInteger fallen = BigInteger.valueOf(WBTC_USD).multiply(BigInteger.TEN.pow(46)).multiply(BigInteger.valueOf(92)).divide(BigInteger.valueOf(100));
        long block;
        if (automine) {
            // Automine stays on, as users run it: one transaction moves every oracle (OracleMock.setPrice is open to anyone) through
            // Multicall3, so one block carries the fall. Switching automine off and on around separate moves would leave a keeper
            // transaction sent in between in the pool until the next one arrives: a chain no user runs.
            List<Multicall3.Call> moves = java.util.Arrays.stream(markets).map(m -> new Multicall3.Call(m.params().oracle(),
                    Abi.call("setPrice(uint256)", uint(fallen)))).toList();
            block = new Transactor(chain).send("the fall", devnet.deployment().morphoBlue().owner(), devnet.deployment().multicall3(),
                    Multicall3.aggregate3Data(moves)).blockNumber();
        } else {
            List<CallRequest> moves = new ArrayList<>();
            long nonce = chain.transactionCount(devnet.deployment().morphoBlue().owner(), BlockTag.PENDING);
            for (NewMarket market : markets) {
                moves.add(new CallRequest(devnet.deployment().morphoBlue().owner(), market.params().oracle(), Abi.call("setPrice(uint256)",
                        uint(fallen)), null, BigInteger.valueOf(100_000)).withNonce(nonce++).withFees(BigInteger.TEN.pow(12), BigInteger.ZERO));
            }
            List<String> hashes = chain.sendTransactions(moves);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hashes.stream().allMatch(h -> chain.receipt(h).isPresent()));
            Set<Long> blocks = hashes.stream().map(h -> chain.receipt(h).orElseThrow().blockNumber()).collect(Collectors.toSet());
            assertThat(blocks).as("one block carries the fall").hasSize(1);
            block = blocks.iterator().next();
        }
        for (NewMarket market : markets) {
            assertThat(Abi.decodeUint(chain.call(CallRequest.call(market.params().oracle(), Abi.call("price()")), BlockTag.number(block))))
                    .as("the fall is in block %d", block).isEqualTo(fallen);
            assertThat(Abi.decodeUint(chain.call(CallRequest.call(market.params().oracle(), Abi.call("price()")), BlockTag.number(block - 1))))
                    .as("and not before it").isNotEqualTo(fallen);
        }
        return block;
    }

    /**
     * The keeper found the market from its CreateMarket event and holds, for each of its borrowers, exactly what Morpho
     * computes at the head (its last transaction accrued the market, so no time passed): {@code borrowed} = what repaying
     * all the borrower's shares costs (an eth_call of {@code repay}), {@code maxBorrow} = collateral × price / 1e36 ×
     * LLTV (30,800 loan tokens of 18 decimals per WBTC here), healthy as {@code liquidate} says.
     */
    private void assertHealthIsWhatMorphoComputes(Devnet devnet, NewMarket market) {
        DevChain chain = devnet.chain();
        chain.setBalance(REPAYER, WAD);
        new Transactor(chain).send("repayer approves", REPAYER, market.params().loanToken(), Abi.call("approve(address,uint256)",
                address(morpho(devnet)), uint(BigInteger.TWO.pow(255))));
        new Transactor(chain).send("repayer mints", REPAYER, market.params().loanToken(), Abi.call("mint(uint256)", uint(BigInteger.TEN.pow(30))));
        // on automine the keeper's own approvals of a new market's tokens mine blocks of their own (sent before it handles the
        // head that found them): the head to compare at is one it handled with nothing mined after it
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> keeper.runtime.keeper().processedBlock() >= chain.blockNumber());
        long head = chain.blockNumber();
        MorphoBlueMarket morpho = (MorphoBlueMarket) keeper.runtime.markets().get(0);
        assertThat(morpho.monitor().market(market.id())).as("the keeper discovered market %s from CreateMarket", market.id()).isPresent();
        Map<MorphoBlueEvents.PositionTouched, PositionHealth> health = morpho.monitor().health();
        assertThat(morpho.monitor().evaluatedBlock()).isEqualTo(head);
        // eth_call on the latest block runs at its timestamp: the interest Morpho accrues there is what the keeper accrued to the head
        Set<Address> chainLiquidatable = MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(),
                BlockTag.LATEST);
        BigInteger price = Abi.decodeUint(chain.call(CallRequest.call(market.params().oracle(), Abi.call("price()")), BlockTag.LATEST));
        for (Address borrower : market.borrowers().keySet()) {
            PositionHealth keeperHealth = health.get(new MorphoBlueEvents.PositionTouched(market.id(), borrower));
            assertThat(keeperHealth).as("the keeper evaluates %s", borrower).isNotNull();
            String position = chain.call(CallRequest.call(morpho(devnet), Abi.call("position(bytes32,address)",
                    new org.web3j.abi.datatypes.generated.Bytes32(Hex.bytes(market.id())), address(borrower))), BlockTag.LATEST);
            BigInteger shares = Words.uint(position, 1);
            BigInteger collateral = Words.uint(position, 2);
            String repaid = chain.call(new CallRequest(REPAYER, morpho(devnet), Abi.call("repay(" + TUPLE + ",uint256,uint256,address,bytes)",
                    market.params().with(uint(0), uint(shares), address(borrower), Abi.bytes("0x"))), null, null), BlockTag.LATEST);
            BigInteger maxBorrow = collateral.multiply(price).divide(BigInteger.TEN.pow(36)).multiply(LLTV).divide(WAD);
            assertThat(keeperHealth.borrowed()).as("borrowed by %s", borrower).isEqualTo(Words.uint(repaid, 0));
            assertThat(keeperHealth.maxBorrow()).as("maxBorrow of %s", borrower).isEqualTo(maxBorrow)
                    .isEqualTo(BigInteger.valueOf(30_800).multiply(WAD));
            assertThat(keeperHealth.healthy()).as("healthy per liquidate: %s", borrower).isEqualTo(!chainLiquidatable.contains(borrower));
            BigInteger opened = WAD.multiply(BigInteger.valueOf(market.borrowers().get(borrower))).divide(BigInteger.valueOf(1_000));
            assertThat(keeperHealth.healthFactor()).as("opened at health %s", opened)
                    .isBetween(opened.subtract(BigInteger.TEN.pow(15)), opened.add(BigInteger.TEN.pow(15)));
        }
        assertThat(chain.blockNumber()).as("nothing mined during the comparison").isEqualTo(head);
    }

    // --- the keeper and what the chain says it did ---------------------------------------------------------

    private KeeperRuntime startKeeper(Devnet devnet, String rpcUrl, Funding funding, Optional<Address> liquidator) throws Exception {
        return startKeeper(devnet, rpcUrl, funding, liquidator, true);
    }

    private KeeperRuntime startKeeper(Devnet devnet, String rpcUrl, Funding funding, Optional<Address> liquidator, boolean simulateFirst)
            throws Exception {
        Deployment deployment = devnet.deployment();
        KeeperConfig base = KeeperMorphoIT.config(deployment, liquidator);
        KeeperConfig.Chain chain = base.chain();
        boolean direct = rpcUrl.equals(deployment.rpcUrl());
        KeeperConfig config = new KeeperConfig(new KeeperConfig.Chain(chain.id(), List.of(rpcUrl), direct ? chain.ws() : Optional.empty(),
                chain.multicall3(), chain.confirmations(), chain.maxReorgDepth()), base.protocols(),
                Optional.of(KeeperConfig.Execution.defaults(base.execution().orElseThrow().signer(), funding)
                        .withUniswapV2Router(Optional.of(deployment.uniswapV2().router())).withSimulateBeforeSend(simulateFirst)), base.metrics());
        KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-morpho-users"), registry = new SimpleMeterRegistry(), Duration.ofMillis(20));
        if (!runtime.awaitBlock(devnet.chain().blockNumber(), Duration.ofSeconds(30))) {
            runtime.close();
            throw new AssertionError("the keeper did not handle the head block within 30 s");
        }
        return runtime;
    }

    private static Address morpho(Devnet devnet) {
        return devnet.deployment().morphoBlue().morpho();
    }

    private Result result(Devnet devnet, List<NewMarket> markets, long crashBlock, long nonceBefore) {
        return result(devnet, markets, crashBlock, crashBlock, nonceBefore, Set.of(KEEPER));
    }

    /** What the chain says the keeper ({@code ours}: its signer and contract) did from block {@code from}; crashBlock counts delays. */
    private Result result(Devnet devnet, List<NewMarket> markets, long from, long crashBlock, long nonceBefore, Set<Address> ours) {
        DevChain chain = devnet.chain();
        long end = chain.blockNumber();
        Set<String> ids = markets.stream().map(NewMarket::id).collect(Collectors.toSet());
        Map<Address, Long> liquidated = new TreeMap<>();
        Set<String> transactions = new LinkedHashSet<>();
        Set<Address> liquidators = new LinkedHashSet<>();
        List<LogEntry> all = chain.logs(new LogFilter(from, end, List.of(morpho(devnet)), List.of(LIQUIDATE)));
        for (LogEntry log : all) {
            Address caller = Address.fromTail(Hex.bytes(log.topics().get(2)));
            if (ours.contains(caller)) {
                assertThat(ids).as("the keeper liquidates only in the markets under test").contains(log.topics().get(1));
                liquidated.merge(Address.fromTail(Hex.bytes(log.topics().get(3))), log.blockNumber(), Math::min);
                transactions.add(log.transactionHash());
                liquidators.add(caller);
            }
        }
        List<Outcome> outcomes = keeper.runtime.events().outcomes();
        long cancels = outcomes.stream().filter(o -> o.status().equals("cancelled")).count();
        Set<Address> stillLiquidatable = new LinkedHashSet<>();
        for (NewMarket market : markets) {
            stillLiquidatable.addAll(MorphoActions.liquidatable(chain, morpho(devnet), market.params(), market.borrowers().keySet(), BlockTag.LATEST));
        }
        return new Result(liquidated, liquidators, crashBlock, chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore, transactions.size(),
                cancels, chain.transactionCount(KEEPER, BlockTag.PENDING) - chain.transactionCount(KEEPER, BlockTag.LATEST), stillLiquidatable,
                outcomes);
    }

    /** {@code sent} is the keeper's nonce delta: the transactions neither liquidating nor cancelling are the ones that reverted. */
    record Result(Map<Address, Long> liquidated, Set<Address> liquidators, long crashBlock, long sent, long liquidationTransactions, long cancels,
                  long pendingNonces, Set<Address> stillLiquidatable, List<Outcome> outcomes) {

        long reverted() {
            return sent - liquidationTransactions - cancels;
        }

        void print(String what) {
            Map<Long, Long> delays = liquidated.values().stream().collect(Collectors.groupingBy(b -> b - crashBlock, TreeMap::new, Collectors.counting()));
            System.out.printf("%s: %d transactions mined (%d liquidations, %d cancellations, %d reverted); %d positions liquidated, blocks from the "
                    + "fall to the liquidation: %s; still liquidatable %d; pending nonces %d%n", what, sent, liquidationTransactions, cancels, reverted(),
                    liquidated.size(), delays, stillLiquidatable.size(), pendingNonces);
        }

        void assertSafe(Set<Address> liquidatableAfterCrash) {
            assertThat(reverted()).as("keeper transactions that reverted").isZero();
            assertThat(pendingNonces).as("no stuck nonce").isZero();
            assertThat(outcomes).as("outcomes").isNotEmpty().allSatisfy(o -> assertThat(o.status()).isIn("mined", "cancelled"));
            assertThat(liquidated.keySet()).as("healthy positions untouched").isSubsetOf(liquidatableAfterCrash);
        }
    }
}
