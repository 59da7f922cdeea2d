package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.ReserveSpec;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
import dev.margincall.protocol.morphoblue.MorphoLiquidationReplay;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code realizeBadDebt} on Morpho Blue (issue 15). Three small WETH/USDC positions (0.002 WETH against 3.3 USDC) go
 * under water when WETH falls from $2,000 to $1,400: seizing all their collateral ($2.80) repays only $2.68 of their
 * debt, and Morpho writes the rest off. The bonus ($0.12) does not pay the gas: each liquidation is a small loss. The
 * keeper (wallet funding) skips them as {@code BAD_DEBT_LOSS} with the option off (the default) and with a cap below the
 * loss; with {@code realizeBadDebt: true, maxBadDebtLossUsd: 50} it liquidates all three in one block, each loss within
 * the cap, and every {@code Liquidate} event (bad debt included) equals the model's liquidation on the state before.
 */
@WithDevnet(borrowers = 4, seed = 2727, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeeperMorphoBadDebtIT {

    private static final List<Address> UNDERWATER = List.of(DevnetDeployer.derivedAddress("margin-call/test/bad-debt-a"),
            DevnetDeployer.derivedAddress("margin-call/test/bad-debt-b"), DevnetDeployer.derivedAddress("margin-call/test/bad-debt-c"));
    private static final String NAME = "devnet-morpho";
    private static final BigInteger WETH_AFTER = ReserveSpec.usd(1_400);

    @Test
    @Order(1)
    void offByDefaultOrOverTheCapTheBadDebtPositionsAreSkippedWithTheirReason(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        chain.setBalance(KEEPER, BigInteger.TEN.pow(20));
        for (Address account : UNDERWATER) {
            chain.setBalance(account, BigInteger.TEN.pow(20));
            new MorphoActions(devnet, account).openPosition("WETH/USDC", BigInteger.valueOf(2_000_000_000_000_000L), BigInteger.valueOf(3_300_000));
        }
        devnet.market().setPrice("WETH", WETH_AFTER, PriceMoveMethod.STORAGE_WRITE); // mines the block that carries it

        long from = chain.blockNumber();
        assertSkipped(devnet, Optional.empty());
        assertSkipped(devnet, Optional.of(new BigDecimal("0.05")));
        assertThat(liquidatedBy(chain, devnet.deployment(), from).keySet()).as("none of them liquidated").doesNotContainAnyElementsOf(UNDERWATER);
    }

    @Test
    @Order(2)
    void withRealizeBadDebtAllThreeAreLiquidatedInOneBlockEachLossWithinTheCap(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        long from = chain.blockNumber();
        chain.setAutomine(false); // the keeper's three transactions wait for one block
        try (KeeperRuntime runtime = start(devnet, Optional.of(new BigDecimal(50)))) {
            settle(chain, runtime);
        } finally {
            chain.setAutomine(true);
        }
        Map<Address, Long> liquidated = liquidatedBy(chain, deployment, from);
        assertThat(liquidated.keySet()).containsAll(UNDERWATER);
        assertThat(UNDERWATER.stream().map(liquidated::get).distinct()).as("in one block").hasSize(1);
        long block = liquidated.get(UNDERWATER.get(0));

        List<MorphoLiquidationReplay.Replayed> replayed = MorphoLiquidationReplay.block(chain, deployment, block);
        assertThat(replayed).allSatisfy(r -> assertThat(r.eventNumbers()).as("Liquidate of %s", r.event().borrower()).isEqualTo(r.expectedNumbers()));
        String wethUsdc = deployment.morphoBlue().market("WETH/USDC").id();
        for (Address account : UNDERWATER) {
            MorphoLiquidationReplay.Replayed r = replayed.stream().filter(x -> x.event().borrower().equals(account)).findFirst().orElseThrow();
            assertThat(r.event().badDebtAssets()).as("bad debt realized for %s", account).isPositive();
            assertThat(r.event().seizedAssets()).as("all its collateral").isEqualTo(BigInteger.valueOf(2_000_000_000_000_000L));
            assertThat(r.expected().positionAfter().borrowShares()).isZero();
            assertThat(r.expected().positionAfter().collateral()).isZero();
            assertThat(r.event().id()).isEqualTo(wethUsdc);

            // the keeper's loss in USD (1e8 units): USDC repaid + gas at WETH's price − WETH received at WETH's price
            TransactionReceipt receipt = chain.receipts(List.of(r.transactionHash())).get(0).orElseThrow();
            BigInteger gas = receipt.gasUsed().multiply(receipt.effectiveGasPrice()).multiply(WETH_AFTER).divide(BigInteger.TEN.pow(18));
            BigInteger loss = r.event().repaidAssets().multiply(ReserveSpec.usd(1)).divide(BigInteger.TEN.pow(6)).add(gas)
                    .subtract(r.event().seizedAssets().multiply(WETH_AFTER).divide(BigInteger.TEN.pow(18)));
            System.out.printf("bad debt of %s realized: repaid %s USDC units, seized %s wei, bad debt %s USDC units; keeper's loss $%s (gas $%s)%n",
                    account, r.event().repaidAssets(), r.event().seizedAssets(), r.event().badDebtAssets(),
                    new BigDecimal(loss).movePointLeft(8), new BigDecimal(gas).movePointLeft(8));
            assertThat(loss).as("a real loss, within the $50 cap").isPositive().isLessThanOrEqualTo(ReserveSpec.usd(50));
        }
    }

    private static void assertSkipped(Devnet devnet, Optional<BigDecimal> cap) throws Exception {
        DevChain chain = devnet.chain();
        try (KeeperRuntime runtime = start(devnet, cap)) {
            settle(chain, runtime);
            Map<PositionId, RejectReason> reasons = runtime.events().positionRejections();
            for (Address account : UNDERWATER) {
                assertThat(reasons.get(new PositionId(new MarketId("morpho-blue", NAME), account))).as("%s with cap %s", account, cap)
                        .isEqualTo(RejectReason.BAD_DEBT_LOSS);
            }
        }
    }

    private static KeeperRuntime start(Devnet devnet, Optional<BigDecimal> cap) throws Exception {
        Deployment deployment = devnet.deployment();
        KeeperConfig base = KeeperMorphoIT.config(deployment);
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(
                new KeeperConfig.MorphoBlue(morpho.morpho(), List.of(), deployment.aaveV3().oracle(), cap), morpho.startBlock(), Optional.of(NAME));
        KeeperConfig config = new KeeperConfig(base.chain(), List.of(protocol), base.execution(), base.metrics());
        KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get, Files.createTempDirectory("keeper-bad-debt"),
                new SimpleMeterRegistry(), Duration.ofMillis(20));
        KeeperHarness.awaitHandled(runtime, devnet.chain().blockNumber());
        return runtime;
    }

    /** A few blocks handled and nothing of the keeper's in flight (its liquidations mined or given up). */
    private static void settle(DevChain chain, KeeperRuntime runtime) {
        for (int i = 0; i < 3; i++) {
            chain.mine();
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            chain.mine();
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            return runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0;
        });
    }

    /** The borrowers the keeper liquidated on Morpho since {@code from}, with the block of each. */
    private static Map<Address, Long> liquidatedBy(DevChain chain, Deployment deployment, long from) {
        return chain.logs(new LogFilter(from, chain.blockNumber(), List.of(deployment.morphoBlue().morpho()), List.of(MorphoBlueEvents.LIQUIDATE)))
                .stream().filter(l -> MorphoBlueEvents.liquidated(l).orElseThrow().caller().equals(KEEPER))
                .collect(Collectors.toMap(l -> MorphoBlueEvents.liquidated(l).orElseThrow().borrower(), l -> l.blockNumber(), (a, b) -> a));
    }
}
