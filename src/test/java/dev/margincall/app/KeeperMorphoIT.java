package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
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

            long crashBlock = crashThenMineOne(devnet, runtime, 1_820, 37_200); // WETH -9 %, WBTC -7 %
            Set<Address> liquidatable = liquidatable(devnet, crashBlock);
            assertThat(liquidatable).as("positions the crash made liquidatable").hasSizeGreaterThan(10);
            long firstBlock = crashBlock + 1;
            Set<Address> liquidatedFirst = keeperLiquidations(chain, morpho, firstBlock, firstBlock);
            System.out.printf("Morpho: %d positions liquidatable after the crash, %d liquidated by the keeper in the first block%n",
                    liquidatable.size(), liquidatedFirst.size());
            assertThat(liquidatedFirst).as("liquidated in the first block after the crash").isEqualTo(liquidatable);

            for (int i = 0; i < 4; i++) {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            }
            awaitSettled(chain, runtime);
            long end = chain.blockNumber();
            long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
            long notLiquidations = sent - chain.logs(new LogFilter(crashBlock, end, List.of(morpho.morpho()), List.of(LIQUIDATE))).size();
            assertThat(notLiquidations).as("every keeper transaction since the crash is a liquidation: none reverted").isZero();
            assertThat(liquidatable(devnet)).as("nothing liquidatable is left").isEmpty();
        } finally {
            chain.setAutomine(true);
        }
    }

    /**
     * Contract funding ({@code funding: flash-loan}): the keeper liquidates through its MorphoLiquidator (protocols[0]'s own
     * liquidatorContract), paying Morpho from the sale of the seized collateral inside Morpho's callback. A second crash
     * (on top of the first test's) makes new positions liquidatable; every one is liquidated in the first block after it,
     * through the contract's batch entry (fewer transactions than liquidations, no item skipped), nothing reverts, and the
     * owner's loan-token balances grow by exactly the profits the contract reported.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void withContractFundingEveryLiquidatablePositionIsLiquidatedThroughTheContractInTheFirstBlockAndPaysTheOwner(Devnet devnet)
            throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        chain.setBalance(KEEPER, BigInteger.TEN.pow(20));
        Address liquidator = new dev.margincall.devnet.Transactor(chain).deploy("MorphoLiquidator", KEEPER,
                dev.margincall.protocol.morphoblue.MorphoLiquidator.deployData(morpho.morpho(), deployment.uniswapV2().router()));
        KeeperConfig wallet = config(deployment);
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(wallet.protocols().get(0).morphoBlue().orElseThrow(), morpho.startBlock(),
                Optional.of("devnet-morpho"), Optional.of(liquidator));
        KeeperConfig config = new KeeperConfig(wallet.chain(), List.of(protocol), Optional.of(KeeperConfig.Execution.defaults(
                wallet.execution().orElseThrow().signer(), Funding.FLASH_LOAN).withUniswapV2Router(Optional.of(deployment.uniswapV2().router()))),
                wallet.metrics());
        List<Address> loanTokens = morpho.markets().stream().map(Deployment.MorphoMarket::loanToken).distinct().toList();
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-morpho-contract"), new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            Map<Address, BigInteger> balancesBefore = balances(chain, loanTokens);

            long crashBlock = crashThenMineOne(devnet, runtime, 1_640, 33_500); // WETH -10 % more, WBTC -10 % more
            Set<Address> liquidatable = liquidatable(devnet, crashBlock);
            assertThat(liquidatable).as("positions the second crash made liquidatable").hasSizeGreaterThan(10);
            long firstBlock = crashBlock + 1;
            List<dev.margincall.chain.LogEntry> first = chain.logs(new LogFilter(firstBlock, firstBlock, List.of(morpho.morpho()), List.of(LIQUIDATE)));
            assertThat(first).as("every Morpho liquidation of the first block is our contract's").allSatisfy(l ->
                    assertThat(Address.fromTail(Hex.bytes(l.topics().get(2)))).isEqualTo(liquidator));
            Set<Address> liquidatedFirst = first.stream().map(l -> Address.fromTail(Hex.bytes(l.topics().get(3)))).collect(Collectors.toSet());
            System.out.printf("Morpho, contract funding: %d positions liquidatable after the crash, %d liquidated through the MorphoLiquidator "
                    + "in the first block%n", liquidatable.size(), liquidatedFirst.size());
            assertThat(liquidatedFirst).as("liquidated in the first block after the crash").isEqualTo(liquidatable);

            for (int i = 0; i < 4; i++) {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            }
            awaitSettled(chain, runtime);
            long end = chain.blockNumber();
            Map<String, dev.margincall.chain.TransactionReceipt> receiptsByHash = new java.util.LinkedHashMap<>();
            List<dev.margincall.protocol.morphoblue.MorphoLiquidator.Liquidated> ours = new java.util.ArrayList<>();
            for (dev.margincall.chain.LogEntry log : chain.logs(new LogFilter(crashBlock, end, List.of(liquidator),
                    List.of(dev.margincall.protocol.morphoblue.MorphoLiquidator.LIQUIDATED_TOPIC)))) {
                ours.add(dev.margincall.protocol.morphoblue.MorphoLiquidator.decodeLiquidated(log));
                receiptsByHash.computeIfAbsent(log.transactionHash(), h -> chain.receipt(h).orElseThrow());
            }
            List<dev.margincall.chain.TransactionReceipt> receipts = List.copyOf(receiptsByHash.values());
            long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
            assertThat(sent - receipts.size()).as("every keeper transaction since the crash liquidated through the contract: none reverted").isZero();
            assertThat(ours.size()).as("liquidations, in fewer transactions: the contract's batch entry").isGreaterThan(receipts.size());
            assertThat(receipts).as("no batch item skipped").allSatisfy(r -> assertThat(dev.margincall.chain.abi.BatchEvents.outcomes(r.logs(), liquidator))
                    .allMatch(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated));
            assertThat(liquidatable(devnet)).as("nothing liquidatable is left").isEmpty();
            assertThat(ours).allSatisfy(l -> assertThat(l.profit()).isPositive());
            Map<Address, BigInteger> balancesAfter = balances(chain, loanTokens);
            for (Address token : loanTokens) {
                BigInteger reported = ours.stream().filter(l -> l.loanToken().equals(token)).map(l -> l.profit()).reduce(BigInteger.ZERO, BigInteger::add);
                assertThat(balancesAfter.get(token).subtract(balancesBefore.get(token))).as("the owner's %s grew by the realized profits", token)
                        .isEqualTo(reported);
            }
            for (Address token : loanTokens) {
                assertThat(Abi.decodeUint(chain.call(CallRequest.call(token, dev.margincall.chain.abi.Erc20.balanceOf(liquidator)), BlockTag.LATEST)))
                        .as("the contract keeps nothing").isZero();
            }
            java.util.LongSummaryStatistics gas = receipts.stream().mapToLong(r -> r.gasUsed().longValueExact()).summaryStatistics();
            System.out.printf("GAS keeper contract-funded Morpho liquidations: %d liquidations in %d transactions, gas used min %d, mean %.0f, max %d; "
                            + "profits %s%n", ours.size(), gas.getCount(), gas.getMin(), gas.getAverage(), gas.getMax(), balancesAfter.entrySet().stream()
                            .collect(Collectors.toMap(e -> e.getKey().hex(), e -> e.getValue().subtract(balancesBefore.get(e.getKey())))));
        } finally {
            chain.setAutomine(true);
        }
    }

    /**
     * {@code deploy-liquidator} for a morpho-blue entry deploys a MorphoLiquidator bound to that Morpho and owned by the
     * signer; {@code fork} with contract funding and no contract deploys its own on the fork and liquidates there, nothing
     * reverted, nothing sent to the origin.
     */
    /**
     * Wallet funding with a MorphoLiquidator configured: the keeper approves the contract at its start and a third crash's
     * liquidations ride in its owner-paid batch entry (the wallet's loan tokens pay, the collateral comes back unsold). Every
     * position it makes liquidatable is liquidated in the first block after it, in fewer transactions than liquidations, none
     * reverted, no item skipped; the wallet's balance of every token moved by exactly what Morpho's events of our contract say
     * was seized less what was repaid (WETH is a loan token and a collateral), and the contract keeps nothing.
     */
    @Test
    @org.junit.jupiter.api.Order(4)
    void withWalletFundingAndAContractEveryLiquidatablePositionIsLiquidatedInBatchesPaidFromTheWallet(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        giveGasMoney(chain);
        Address liquidator = new dev.margincall.devnet.Transactor(chain).deploy("MorphoLiquidator", KEEPER,
                dev.margincall.protocol.morphoblue.MorphoLiquidator.deployData(morpho.morpho(), deployment.uniswapV2().router()));
        KeeperConfig wallet = config(deployment);
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(wallet.protocols().get(0).morphoBlue().orElseThrow(), morpho.startBlock(),
                Optional.of("devnet-morpho"), Optional.of(liquidator));
        KeeperConfig config = new KeeperConfig(wallet.chain(), List.of(protocol), wallet.execution(), wallet.metrics());
        List<Address> tokens = morpho.markets().stream().flatMap(m -> java.util.stream.Stream.of(m.loanToken(), m.collateralToken())).distinct().toList();
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-morpho-wallet-batches"), new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST); // after the start's approvals of the contract
            Map<Address, BigInteger> balancesBefore = balances(chain, tokens);

            long crashBlock = crashThenMineOne(devnet, runtime, 1_400, 28_500); // WETH -15 % more, WBTC -15 % more
            Set<Address> liquidatable = liquidatable(devnet, crashBlock);
            assertThat(liquidatable).as("positions the third crash made liquidatable").hasSizeGreaterThan(8);
            long firstBlock = crashBlock + 1;
            List<MorphoBlueEvents.Liquidated> first = ourLiquidations(chain, morpho, liquidator, firstBlock, firstBlock);
            System.out.printf("Morpho, wallet batches: %d positions liquidatable after the crash, %d liquidated through the MorphoLiquidator in the "
                    + "first block%n", liquidatable.size(), first.size());
            assertThat(first.stream().map(MorphoBlueEvents.Liquidated::borrower).collect(Collectors.toSet())).as("liquidated in the first block")
                    .isEqualTo(liquidatable);

            awaitSettled(chain, runtime);
            long end = chain.blockNumber();
            List<dev.margincall.chain.LogEntry> logs = chain.logs(new LogFilter(crashBlock, end, List.of(morpho.morpho()), List.of(LIQUIDATE)));
            List<MorphoBlueEvents.Liquidated> ours = ourLiquidations(chain, morpho, liquidator, crashBlock, end);
            List<dev.margincall.chain.TransactionReceipt> receipts = logs.stream().map(dev.margincall.chain.LogEntry::transactionHash).distinct()
                    .map(h -> chain.receipt(h).orElseThrow()).toList();
            long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
            assertThat(sent - receipts.size()).as("every keeper transaction since the crash liquidated: none reverted").isZero();
            assertThat(ours.size()).as("liquidations, in fewer transactions: the owner-paid batch entry").isGreaterThan(receipts.size());
            assertThat(receipts).as("no batch item skipped").allSatisfy(r -> assertThat(dev.margincall.chain.abi.BatchEvents.outcomes(r.logs(), liquidator))
                    .allMatch(dev.margincall.chain.abi.BatchEvents.ItemOutcome::liquidated));
            assertThat(liquidatable(devnet)).as("nothing liquidatable is left").isEmpty();
            Map<Address, BigInteger> balancesAfter = balances(chain, tokens);
            for (Address token : tokens) {
                BigInteger expected = BigInteger.ZERO;
                for (MorphoBlueEvents.Liquidated l : ours) {
                    Deployment.MorphoMarket m = morpho.markets().stream().filter(x -> x.id().equalsIgnoreCase(l.id())).findFirst().orElseThrow();
                    expected = expected.add(m.collateralToken().equals(token) ? l.seizedAssets() : BigInteger.ZERO)
                            .subtract(m.loanToken().equals(token) ? l.repaidAssets() : BigInteger.ZERO);
                }
                assertThat(balancesAfter.get(token).subtract(balancesBefore.get(token))).as("the wallet's %s: seized less repaid", token).isEqualTo(expected);
                assertThat(Abi.decodeUint(chain.call(CallRequest.call(token, dev.margincall.chain.abi.Erc20.balanceOf(liquidator)), BlockTag.LATEST)))
                        .as("the contract keeps nothing").isZero();
            }
            java.util.LongSummaryStatistics gas = receipts.stream().mapToLong(r -> r.gasUsed().longValueExact()).summaryStatistics();
            System.out.printf("GAS keeper wallet-batched Morpho liquidations: %d liquidations in %d transactions, %.0f gas a liquidation%n",
                    ours.size(), gas.getCount(), (double) gas.getSum() / ours.size());
        } finally {
            chain.setAutomine(true);
        }
    }

    private static List<MorphoBlueEvents.Liquidated> ourLiquidations(DevChain chain, Deployment.MorphoBlue morpho, Address caller, long from, long to) {
        return chain.logs(new LogFilter(from, to, List.of(morpho.morpho()), List.of(LIQUIDATE))).stream()
                .flatMap(l -> MorphoBlueEvents.liquidated(l).stream()).filter(l -> l.caller().equals(caller)).toList();
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void deployLiquidatorAndForkDeployAMorphoLiquidatorForAMorphoEntry(Devnet devnet, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        DevChain origin = devnet.chain();
        Deployment deployment = devnet.deployment();
        giveGasMoney(origin);
        java.nio.file.Path file = dir.resolve("morpho-contract.yaml");
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
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: flash-loan
                  uniswapV2Router: "%s"
                """.formatted(deployment.chainId(), deployment.rpcUrl(), deployment.multicall3(), deployment.morphoBlue().morpho(),
                deployment.morphoBlue().startBlock(), deployment.aaveV3().oracle(), deployment.uniswapV2().router()));

        ForkAndCheckConfigIT.Run deploy = ForkAndCheckConfigIT.run("deploy-liquidator", "--config", file.toString());
        assertThat(deploy.exit()).as(deploy.err()).isZero();
        Address deployed = Address.of(deploy.out().strip());
        assertThat(Abi.decodeAddress(origin.call(CallRequest.call(deployed, dev.margincall.protocol.morphoblue.MorphoLiquidator.morpho()),
                BlockTag.LATEST))).isEqualTo(deployment.morphoBlue().morpho());
        assertThat(Abi.decodeAddress(origin.call(CallRequest.call(deployed, dev.margincall.protocol.morphoblue.MorphoLiquidator.owner()),
                BlockTag.LATEST))).isEqualTo(KEEPER);

        // check-config: without a contract the entry is named with what to do; with its own contract, all checks pass
        ForkAndCheckConfigIT.Run missing = ForkAndCheckConfigIT.run("check-config", "--config", file.toString());
        assertThat(missing.exit()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(missing.err()).contains("protocols[0].liquidatorContract (or execution.liquidatorContract): required")
                .contains("deploy-liquidator --config <file> --protocol 0");
        java.nio.file.Path own = dir.resolve("morpho-own-contract.yaml");
        Files.writeString(own, Files.readString(file).replace("    aaveOracle:", "    liquidatorContract: \"" + deployed + "\"\n    aaveOracle:"));
        ForkAndCheckConfigIT.Run ok = ForkAndCheckConfigIT.run("check-config", "--config", own.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("all checks passed");

        // a fourth crash on the origin, seen by nobody: the fork finds the positions it made liquidatable
        devnet.market().setPrice("WETH", ReserveSpec.usd(1_250), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
        devnet.market().setPrice("WBTC", ReserveSpec.usd(25_000), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
        assertThat(liquidatable(devnet)).isNotEmpty();
        long originBlock = origin.blockNumber();
        long originNonce = origin.transactionCount(KEEPER, BlockTag.LATEST);
        ForkAndCheckConfigIT.Run fork = ForkAndCheckConfigIT.run("fork", "--config", file.toString(), "--max-seconds", "60");
        assertThat(fork.exit()).as(fork.err()).isZero();
        assertThat(fork.out()).contains("Deployed a MorphoLiquidator for protocols[0]");
        java.util.regex.Matcher mined = java.util.regex.Pattern.compile("liquidations mined\\s+(\\d+)").matcher(fork.out());
        assertThat(mined.find()).as(fork.out()).isTrue();
        assertThat(Integer.parseInt(mined.group(1))).as("liquidations executed on the fork").isPositive();
        assertThat(fork.out()).containsPattern("reverted / cancelled / dropped\\s+0 / 0 / 0");
        assertThat(origin.blockNumber()).isEqualTo(originBlock);
        assertThat(origin.transactionCount(KEEPER, BlockTag.LATEST)).isEqualTo(originNonce);
        System.out.println(fork.out());
    }

    /**
     * WETH and WBTC set to these USD prices by storage writes with automine off (the block that carries them mined), the keeper's
     * handling of that crash block awaited, then the block right after it mined and handled: the crash block.
     */
    private static long crashThenMineOne(Devnet devnet, KeeperRuntime runtime, long wethUsd, long wbtcUsd) {
        DevChain chain = devnet.chain();
        chain.setAutomine(false);
        setWethAndWbtc(devnet, wethUsd, wbtcUsd);
        long crashBlock = chain.blockNumber();
        KeeperHarness.awaitHandled(runtime, crashBlock);
        chain.mine();
        KeeperHarness.awaitHandled(runtime, crashBlock + 1);
        return crashBlock;
    }

    /** WETH and WBTC set to these USD prices by writes to their price sources' storage (no transaction: the next block has them); also KeeperMorphoCrashIT's. */
    static void setWethAndWbtc(Devnet devnet, long wethUsd, long wbtcUsd) {
        devnet.market().setPrice("WETH", ReserveSpec.usd(wethUsd), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
        devnet.market().setPrice("WBTC", ReserveSpec.usd(wbtcUsd), dev.margincall.devnet.PriceMoveMethod.STORAGE_WRITE);
    }

    /** Mines and awaits the keeper until nothing of it is in flight or pending. */
    private static void awaitSettled(DevChain chain, KeeperRuntime runtime) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            chain.mine();
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            return runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0;
        });
    }

    private static void giveGasMoney(DevChain chain) {
        chain.setBalance(KEEPER, BigInteger.TEN.pow(20));
    }

    /** The keeper's balance of each token. */
    private static Map<Address, BigInteger> balances(DevChain chain, List<Address> tokens) {
        Map<Address, BigInteger> out = new java.util.LinkedHashMap<>();
        for (Address token : tokens) {
            out.put(token, Abi.decodeUint(chain.call(CallRequest.call(token, dev.margincall.chain.abi.Erc20.balanceOf(KEEPER)), BlockTag.LATEST)));
        }
        return out;
    }

    static KeeperConfig config(Deployment deployment) {
        return config(deployment, Optional.empty());
    }

    /** The devnet's Morpho Blue, wallet funding; with {@code liquidator}, the keeper's MorphoLiquidator (wallet batches through it). */
    static KeeperConfig config(Deployment deployment, Optional<Address> liquidator) {
        KeeperConfig aave = KeeperIT.config(deployment, Funding.WALLET, Optional.empty());
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(
                new KeeperConfig.MorphoBlue(morpho.morpho(), List.of(), deployment.aaveV3().oracle()), morpho.startBlock(), Optional.of("devnet-morpho"),
                liquidator);
        return new KeeperConfig(aave.chain(), List.of(protocol), aave.execution(), aave.metrics());
    }

    /** Borrowers the chain would let anyone liquidate now (see {@link MorphoActions#liquidatable}). */
    private static Set<Address> liquidatable(Devnet devnet) {
        return liquidatable(devnet, BlockTag.LATEST);
    }

    /** The same at {@code block}'s state. */
    private static Set<Address> liquidatable(Devnet devnet, long block) {
        return liquidatable(devnet, BlockTag.number(block));
    }

    /** Borrowers of every devnet Morpho market the chain would let anyone liquidate at {@code at} (also KeeperMorphoCrashIT's). */
    static Set<Address> liquidatable(Devnet devnet, BlockTag at) {
        Set<Address> out = new HashSet<>();
        for (Deployment.MorphoMarket market : devnet.deployment().morphoBlue().markets()) {
            out.addAll(MorphoActions.liquidatable(devnet.chain(), devnet.deployment().morphoBlue().morpho(), MorphoParams.of(market),
                    devnet.morphoBorrowers().get(market.name()).stream().map(MorphoBorrower::address).toList(), at));
        }
        return out;
    }

    private static Set<Address> keeperLiquidations(DevChain chain, Deployment.MorphoBlue morpho, long from, long to) {
        return chain.logs(new LogFilter(from, to, List.of(morpho.morpho()), List.of(LIQUIDATE))).stream()
                .filter(l -> Address.fromTail(Hex.bytes(l.topics().get(2))).equals(KEEPER))
                .map(l -> Address.fromTail(Hex.bytes(l.topics().get(3)))).collect(Collectors.toSet());
    }
}
