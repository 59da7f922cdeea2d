package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.WithDevnet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The Morpho scan on the devnet: markets and accounts from the events, health of every position as the chain decides it. */
@WithDevnet(borrowers = 40, seed = 21, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MorphoBlueScanIT {

    private static final Address PROBE = DevnetDeployer.derivedAddress("margin-call/test/morpho-scan-probe");

    @Test
    @Order(1)
    void findsEveryMarketAndEveryAccountFromTheEvents(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        MorphoBlueScan.Result result = scan(devnet, morpho.startBlock(), Optional.empty());
        assertThat(result.markets()).extracting(MorphoBlueScan.ScannedMarket::id)
                .containsExactlyElementsOf(morpho.markets().stream().map(Deployment.MorphoMarket::id).toList());
        for (Deployment.MorphoMarket market : morpho.markets()) {
            MorphoBlueScan.ScannedMarket scanned = result.markets().stream().filter(m -> m.id().equals(market.id())).findFirst().orElseThrow();
            assertThat(scanned.params()).isEqualTo(new MarketParams(market.loanToken(), market.collateralToken(), market.oracle(), market.irm(),
                    market.lltv()));
            Set<Address> accounts = result.rows().stream().filter(r -> r.marketId().equals(market.id())).map(MorphoBlueScan.Row::account)
                    .collect(Collectors.toSet());
            Set<Address> expected = new HashSet<>(devnet.morphoBorrowers().get(market.name()).stream().map(MorphoBorrower::address).toList());
            expected.add(devnet.deployment().liquidityProvider());
            assertThat(accounts).isEqualTo(expected);
        }
        assertThat(result.rows()).hasSize(3 * 41);
        assertThat(result.liquidatable()).isEmpty();
        assertHealthIsTheChains(devnet, result);
    }

    @Test
    @Order(2)
    void afterACrashItsLiquidatablePositionsAreExactlyTheChains(Devnet devnet) {
        devnet.market().movePrice("WETH", -800, PriceMoveMethod.STORAGE_WRITE);
        devnet.market().movePrice("WBTC", -600, PriceMoveMethod.STORAGE_WRITE);
        MorphoBlueScan.Result result = scan(devnet, devnet.deployment().morphoBlue().startBlock(), Optional.empty());
        assertThat(result.liquidatable()).isNotEmpty();
        assertHealthIsTheChains(devnet, result);
    }

    @Test
    @Order(3)
    void configuredMarketsOnlyAlsoOnesCreatedBeforeTheStartBlock(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        String wbtc = morpho.market("WBTC/USDC").id();
        MorphoBlueScan.Result only = scan(devnet, morpho.startBlock(), Optional.of(List.of(wbtc.toUpperCase(java.util.Locale.ROOT).replace("0X", "0x"))));
        assertThat(only.markets()).extracting(MorphoBlueScan.ScannedMarket::id).containsExactly(wbtc);
        assertThat(only.rows()).allMatch(r -> r.marketId().equals(wbtc)).hasSize(41);

        // From a start block after the markets were created: the params come from idToMarketParams, the accounts from later events only.
        long late = devnet.chain().blockNumber();
        MorphoBlueScan.Result later = scan(devnet, late, Optional.of(List.of(wbtc)));
        assertThat(later.markets().get(0).params()).isEqualTo(only.markets().get(0).params());
        assertThatThrownBy(() -> scan(devnet, late, Optional.of(List.of("0x" + "12".repeat(32)))))
                .hasMessageContaining("does not exist on the Morpho contract");
    }

    private static MorphoBlueScan.Result scan(Devnet devnet, long startBlock, Optional<List<String>> markets) {
        DevChain chain = devnet.chain();
        BlockHeader head = chain.block(BlockTag.LATEST);
        return new MorphoBlueScan(chain, devnet.deployment().multicall3(), devnet.deployment().morphoBlue().morpho(), startBlock, markets).scan(head);
    }

    /** liquidate(seized 1) from an account without funds reverts "position is healthy" exactly for the healthy ones. */
    private static void assertHealthIsTheChains(Devnet devnet, MorphoBlueScan.Result result) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        assertThat(devnet.chain().blockNumber()).as("probes run at the scanned block").isEqualTo(result.block());
        for (MorphoBlueScan.Row row : result.rows()) {
            Deployment.MorphoMarket market = morpho.markets().stream().filter(m -> m.id().equals(row.marketId())).findFirst().orElseThrow();
            boolean healthy;
            try {
                devnet.chain().call(new CallRequest(PROBE, morpho.morpho(), MorphoChain.liquidate(market, row.account(), java.math.BigInteger.ONE,
                        java.math.BigInteger.ZERO), null, null), BlockTag.LATEST);
                throw new AssertionError("an unfunded liquidation went through");
            } catch (CallRevertedException e) {
                healthy = e.reason().contains("position is healthy");
            }
            assertThat(row.health().healthy()).as("%s in %s: %s", row.account(), market.name(), row.health()).isEqualTo(healthy);
        }
    }
}
