package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.chain.abi.Abi;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The keeper on Morpho Blue, configured as {@code type: morpho-blue}, wallet-funded: a WETH and WBTC crash written
 * into the devnet's feeds (Morpho's oracles follow in the same block) makes positions liquidatable in two markets;
 * every one is liquidated in the first block after the crash, and nothing the keeper sends reverts.
 */
@WithDevnet(borrowers = 60, seed = 4242, protocols = "aave-v3,morpho-blue")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class KeeperMorphoIT {

    private static final Address PROBE = DevnetDeployer.derivedAddress("margin-call/test/keeper-morpho-probe");
    private static final String LIQUIDATE = Abi.topic("Liquidate(bytes32,address,address,uint256,uint256,uint256,uint256,uint256)");

    @Test
    @org.junit.jupiter.api.Order(0)
    void scanJsonPrintsEveryBorrowerPositionWithItsMarketIdTokenAmountsAndUsd(Devnet devnet, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Deployment deployment = devnet.deployment();
        java.nio.file.Path file = dir.resolve("morpho.yaml");
        Files.writeString(file, """
                chain:
                  id: %d
                  rpc: [%s]
                  multicall3: "%s"
                protocols:
                  - type: morpho-blue
                    morpho: "%s"
                    startBlock: %d
                    aaveOracle: "%s"
                """.formatted(deployment.chainId(), deployment.rpcUrl(), deployment.multicall3(), deployment.morphoBlue().morpho(),
                deployment.morphoBlue().startBlock(), deployment.aaveV3().oracle()));
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--json", "--config", file.toString());
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        List<com.fasterxml.jackson.databind.JsonNode> rows = new java.util.ArrayList<>();
        for (String line : scan.out().strip().split("\n")) {
            rows.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
        }
        Set<String> ids = deployment.morphoBlue().markets().stream().map(Deployment.MorphoMarket::id).collect(Collectors.toSet());
        assertThat(rows).as("one row per borrower position, lenders left out").hasSize(3 * 60).allSatisfy(row -> {
            assertThat(row.path("protocol").asText()).isEqualTo("morpho-blue");
            assertThat(row.path("market").asText()).isIn(ids);
            assertThat(new BigInteger(row.path("healthFactor").asText())).isGreaterThan(BigInteger.TEN.pow(18));
            assertThat(new java.math.BigDecimal(row.path("collateral").asText())).isPositive();
            assertThat(new java.math.BigDecimal(row.path("debt").asText())).isPositive();
            assertThat(new java.math.BigDecimal(row.path("collateralUsd").asText())).isGreaterThan(new java.math.BigDecimal(row.path("debtUsd").asText()));
            assertThat(row.path("liquidatable").asBoolean()).isFalse();
            assertThat(row.path("safetyMarginPct").asDouble()).isBetween(0.0, 100.0);
            assertThat(row.path("block").asLong()).isEqualTo(devnet.chain().blockNumber());
        });
        List<String> names = new java.util.ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("protocol", "market", "account", "healthFactor", "collateral", "debt", "collateralUsd", "debtUsd",
                "liquidatable", "safetyMarginPct", "block");
        // a seeded borrower's collateral, as planned, in whole tokens
        dev.margincall.devnet.MorphoBorrower first = devnet.morphoBorrowers().get("WETH/USDC").get(0);
        assertThat(rows).anySatisfy(row -> {
            assertThat(row.path("account").asText()).isEqualToIgnoringCase(first.address().hex());
            assertThat(new java.math.BigDecimal(row.path("collateral").asText())).isEqualByComparingTo(new java.math.BigDecimal(first.collateral()).movePointLeft(18));
        });
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void dryRunSeesTheLiquidatablePositionsAndSendsNothing(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
        long from = chain.blockNumber();
        MarketMover market = devnet.market();
        try (KeeperRuntime runtime = KeeperRuntime.start(config(devnet.deployment()), true, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-morpho-dry"), new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            market.setPrice("WETH", ReserveSpec.usd(1_820), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
            assertThat(liquidatable(devnet)).isNotEmpty();
            for (int i = 0; i < 3; i++) {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            }
            assertThat(runtime.markets().get(0).liquidatableCount()).as("what dry-run sees").isEqualTo(liquidatable(devnet).size());
        } finally {
            market.setPrice("WETH", ReserveSpec.usd(2_000), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
        }
        assertThat(chain.transactionCount(KEEPER, BlockTag.LATEST)).as("dry-run sent nothing").isEqualTo(nonceBefore);
        assertThat(chain.logs(new LogFilter(from, chain.blockNumber(), List.of(devnet.deployment().morphoBlue().morpho()), List.of(LIQUIDATE))))
                .isEmpty();
        assertThat(liquidatable(devnet)).as("the price back: healthy again").isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void everyLiquidatableMorphoPositionIsLiquidatedInTheFirstBlockAfterTheCrash(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        KeeperIT.fundKeeperWithTokens(devnet); // USDC and WETH, the Morpho markets' loan tokens
        KeeperConfig config = config(deployment);
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-morpho"), new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            assertThat(runtime.markets()).extracting(m -> m.id().toString()).containsExactly("morpho-blue:devnet-morpho");
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);

            MarketMover market = devnet.market();
            chain.setAutomine(false);
            market.setPrice("WETH", ReserveSpec.usd(1_820), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE); // -9 %
            market.setPrice("WBTC", ReserveSpec.usd(37_200), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE); // -7 %
            long crashBlock = chain.blockNumber();
            Set<Address> liquidatable = liquidatable(devnet);
            assertThat(liquidatable).as("positions the crash made liquidatable").hasSizeGreaterThan(10);

            KeeperHarness.awaitHandled(runtime, crashBlock);
            chain.mine(); // the block right after the crash
            long firstBlock = crashBlock + 1;
            KeeperHarness.awaitHandled(runtime, firstBlock);
            Set<Address> liquidatedFirst = keeperLiquidations(chain, morpho, firstBlock, firstBlock);
            System.out.printf("Morpho: %d positions liquidatable after the crash, %d liquidated by the keeper in the first block%n",
                    liquidatable.size(), liquidatedFirst.size());
            assertThat(liquidatedFirst).as("liquidated in the first block after the crash").isEqualTo(liquidatable);

            for (int i = 0; i < 4; i++) {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
                return runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0;
            });
            long end = chain.blockNumber();
            long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
            long notLiquidations = sent - chain.logs(new LogFilter(crashBlock, end, List.of(morpho.morpho()), List.of(LIQUIDATE))).size();
            assertThat(notLiquidations).as("every keeper transaction since the crash is a liquidation: none reverted").isZero();
            assertThat(liquidatable(devnet)).as("nothing liquidatable is left").isEmpty();
        } finally {
            chain.setAutomine(true);
        }
    }

    static KeeperConfig config(Deployment deployment) {
        KeeperConfig aave = KeeperIT.config(deployment, Funding.WALLET, Optional.empty());
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(
                new KeeperConfig.MorphoBlue(morpho.morpho(), List.of(), deployment.aaveV3().oracle()), morpho.startBlock(), Optional.of("devnet-morpho"));
        return new KeeperConfig(aave.chain(), List.of(protocol), aave.execution(), aave.metrics());
    }

    /** Borrowers the chain would let anyone liquidate now: liquidate(seized 1) by an account without funds does not revert "position is healthy". */
    private static Set<Address> liquidatable(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        Set<Address> out = new HashSet<>();
        for (Deployment.MorphoMarket market : morpho.markets()) {
            for (MorphoBorrower borrower : devnet.morphoBorrowers().get(market.name())) {
                String data = Abi.call("liquidate((address,address,address,address,uint256),address,uint256,uint256,bytes)",
                        MorphoParams.of(market).with(Abi.address(borrower.address()), Abi.uint(BigInteger.ONE), Abi.uint(BigInteger.ZERO), Abi.bytes("0x")));
                try {
                    devnet.chain().call(new CallRequest(PROBE, morpho.morpho(), data, null, null), BlockTag.LATEST);
                } catch (CallRevertedException e) {
                    if (!e.reason().contains("position is healthy")) {
                        out.add(borrower.address());
                    }
                }
            }
        }
        return out;
    }

    private static Set<Address> keeperLiquidations(DevChain chain, Deployment.MorphoBlue morpho, long from, long to) {
        return chain.logs(new LogFilter(from, to, List.of(morpho.morpho()), List.of(LIQUIDATE))).stream()
                .filter(l -> Address.fromTail(Hex.bytes(l.topics().get(2))).equals(KEEPER))
                .map(l -> Address.fromTail(Hex.bytes(l.topics().get(3)))).collect(Collectors.toSet());
    }
}
