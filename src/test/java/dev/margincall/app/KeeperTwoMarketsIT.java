package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetMarket;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One keeper, two Aave V3 markets on one chain (the devnet's "core" and "prime", like Aave's Ethereum Core
 * and Prime): a WETH crash written into the feed both oracles read makes accounts liquidatable in both;
 * the keeper liquidates in both in the first block after the crash, with one clean nonce sequence, and
 * {@code scan --json} names each row's market.
 */
@WithDevnet(borrowers = 60, seed = 1313, markets = 2)
class KeeperTwoMarketsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneKeeperLiquidatesInBothMarketsInTheFirstBlockWithOneNonceSequence(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        assertThat(devnet.markets()).extracting(DevnetMarket::name).containsExactly("core", "prime");
        KeeperIT.fundKeeperWithTokens(devnet); // the prime market lists core's tokens
        KeeperConfig config = config(deployment);
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-two-markets"), new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            assertThat(runtime.markets()).extracting(m -> m.id().name()).containsExactly("core", "prime");
            KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);

            MarketMover market = devnet.market();
            chain.setAutomine(false);
            chain.setStorageAt(market.priceSource("WETH"), KeeperIT.STORAGE_SLOT_ANSWER,
                    Hex.word(market.price("WETH").multiply(BigInteger.valueOf(65)).divide(BigInteger.valueOf(100))));
            chain.mine();
            long crashBlock = chain.blockNumber();
            Map<String, Set<Address>> liquidatable = devnet.markets().stream().collect(Collectors.toMap(DevnetMarket::name,
                    m -> KeeperIT.liquidatableAt(reader(chain, deployment, m), accounts(m), crashBlock)));
            assertThat(liquidatable.get("core")).as("core accounts the crash made liquidatable").isNotEmpty();
            assertThat(liquidatable.get("prime")).as("prime accounts the crash made liquidatable").isNotEmpty();

            KeeperHarness.awaitHandled(runtime, crashBlock);
            chain.mine(); // the block right after the crash
            long firstBlock = crashBlock + 1;
            KeeperHarness.awaitHandled(runtime, firstBlock);
            for (DevnetMarket m : devnet.markets()) {
                Set<Address> liquidatedFirst = liquidations(chain, m, firstBlock, firstBlock).stream().map(LiquidationCallEvent::user)
                        .collect(Collectors.toSet());
                assertThat(liquidatedFirst).as("%s: liquidated in the first block after the crash", m.name())
                        .isNotEmpty().isSubsetOf(liquidatable.get(m.name()));
                System.out.printf("%s: %d liquidatable after the crash, %d liquidated in the first block%n", m.name(),
                        liquidatable.get(m.name()).size(), liquidatedFirst.size());
            }
            // a few more blocks: what the close factor left is liquidated too, or skipped with a reason
            for (int i = 0; i < 6; i++) {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                chain.mine();
                KeeperHarness.awaitHandled(runtime, chain.blockNumber());
                return runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0;
            });
            long end = chain.blockNumber();
            long liquidations = devnet.markets().stream().mapToLong(m -> liquidations(chain, m, crashBlock, end).size()).sum();
            long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
            assertThat(sent).as("one nonce sequence: every keeper transaction since the crash is one of the liquidations (none reverted)")
                    .isEqualTo(liquidations);
            assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).as("no stuck nonce").isEqualTo(chain.transactionCount(KEEPER, BlockTag.LATEST));
            assertThat(runtime.events().outcomes()).as("outcomes name their market").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.position().market().name()).isIn("core", "prime"))
                    .anySatisfy(o -> assertThat(o.position().market().name()).isEqualTo("core"))
                    .anySatisfy(o -> assertThat(o.position().market().name()).isEqualTo("prime"))
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
        } finally {
            chain.setAutomine(true);
        }
    }

    @Test
    void scanPrintsRowsOfBothMarketsEachWithItsName(Devnet devnet, @TempDir Path dir) throws Exception {
        Deployment deployment = devnet.deployment();
        Path file = dir.resolve("two.yaml");
        Files.writeString(file, """
                chain:
                  id: %d
                  rpc: [%s]
                  multicall3: "%s"
                protocols:
                  - type: aave-v3
                    name: core
                    poolAddressesProvider: "%s"
                  - type: aave-v3
                    name: prime
                    poolAddressesProvider: "%s"
                """.formatted(deployment.chainId(), deployment.rpcUrl(), deployment.multicall3(),
                deployment.market("core").aaveV3().poolAddressesProvider(), deployment.market("prime").aaveV3().poolAddressesProvider()));
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", file.toString(), "--json");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        List<JsonNode> rows = scan.out().lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (java.io.IOException e) {
                throw new AssertionError(line, e);
            }
        }).toList();
        dev.margincall.devnet.Transactor tx = new dev.margincall.devnet.Transactor(devnet.chain());
        for (DevnetMarket m : devnet.markets()) {
            Set<String> accounts = rows.stream().filter(r -> r.get("market").asText().equals(m.name())).map(r -> r.get("account").asText().toLowerCase())
                    .collect(Collectors.toSet());
            // every borrower that still has a position (a liquidation of the other test may have taken all of one, on 3.6 debt too)
            List<String> withPosition = m.borrowers().stream().map(b -> b.address())
                    .filter(a -> dev.margincall.chain.abi.Abi.decodeUint(tx.call(m.deployed().aaveV3().pool(),
                            dev.margincall.chain.abi.Abi.call("getUserConfiguration(address)", dev.margincall.chain.abi.Abi.address(a)))).signum() != 0)
                    .map(Address::hex).toList();
            assertThat(withPosition).as("%s's borrowers with a position", m.name()).hasSizeGreaterThan(m.borrowers().size() / 2);
            assertThat(accounts).as("%s's borrowers", m.name()).containsAll(withPosition);
        }
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.get("market").asText()).isIn("core", "prime"));
    }

    private static KeeperConfig config(Deployment deployment) {
        KeeperConfig single = KeeperIT.config(deployment, Funding.WALLET, Optional.empty());
        List<KeeperConfig.Protocol> protocols = deployment.aaveV3Markets().stream()
                .map(m -> new KeeperConfig.Protocol("aave-v3", m.aaveV3().poolAddressesProvider(), deployment.startBlock(), Optional.of(m.name()),
                        Optional.empty()))
                .toList();
        return new KeeperConfig(single.chain(), protocols, single.execution(), single.metrics());
    }

    private static AccountDataReader reader(DevChain chain, Deployment deployment, DevnetMarket market) {
        return new AccountDataReader(chain, deployment.multicall3(), market.deployed().aaveV3().pool());
    }

    private static List<Address> accounts(DevnetMarket market) {
        return market.borrowers().stream().map(b -> b.address()).toList();
    }

    private static List<LiquidationCallEvent> liquidations(DevChain chain, DevnetMarket market, long from, long to) {
        return chain.logs(new LogFilter(from, to, List.of(market.deployed().aaveV3().pool()), List.of(LiquidationCallEvent.TOPIC))).stream()
                .map(LiquidationCallEvent::decode).filter(e -> e.liquidator().equals(KEEPER)).toList();
    }
}
