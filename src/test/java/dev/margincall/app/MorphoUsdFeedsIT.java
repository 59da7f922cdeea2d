package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.AaveOracleUsdPrices;
import dev.margincall.protocol.morphoblue.MorphoBlueMarket;
import dev.margincall.protocol.morphoblue.UsdPrices;
import dev.margincall.protocol.spi.MarketId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Morpho loan tokens priced by Chainlink-style feeds ({@code usdFeeds}) instead of, or before, an Aave oracle, on the devnet:
 * its feeds are the MockAggregators behind its AaveOracle ({@code getSourceOfAsset}), so both sources must agree to the unit.
 */
@WithDevnet(borrowers = 10, seed = 5, protocols = "aave-v3,morpho-blue", revertEachTest = true)
class MorphoUsdFeedsIT {

    private static final BigInteger E10 = BigInteger.TEN.pow(10);

    @Test
    void feedsAloneAndFeedsBeforeTheOracleAgreeWithTheAaveOracleAndFollowAMove(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        List<Address> loanTokens = loanTokens(deployment);
        Map<Address, Address> feeds = new LinkedHashMap<>();
        loanTokens.forEach(token -> feeds.put(token, sourceOf(devnet, token)));
        UsdPrices oracle = new AaveOracleUsdPrices(chain, deployment.multicall3(), deployment.aaveV3().oracle());
        UsdPrices feedsOnly = Markets.usdPrices(morphoKeys(deployment, Optional.empty(), feeds), deployment.multicall3(), chain);
        Address usdc = deployment.morphoBlue().token("USDC").asset();
        UsdPrices usdcFeedFirst = Markets.usdPrices(morphoKeys(deployment, Optional.of(deployment.aaveV3().oracle()), Map.of(usdc, feeds.get(usdc))),
                deployment.multicall3(), chain);

        BlockTag latest = BlockTag.LATEST;
        Map<Address, BigInteger> byOracle = oracle.prices(loanTokens, latest);
        assertThat(byOracle).as("the Aave oracle prices every Morpho loan token").containsOnlyKeys(loanTokens);
        assertThat(feedsOnly.valuation(latest).unitsPerUsd()).as("feeds only: a wad per USD").isEqualTo(BigInteger.TEN.pow(18));
        byOracle.forEach((token, price) -> assertThat(feedsOnly.prices(loanTokens, latest).get(token)).as("feed of %s", token)
                .isEqualTo(price.multiply(E10)));
        assertThat(usdcFeedFirst.valuation(latest)).isEqualTo(oracle.valuation(latest));
        assertThat(usdcFeedFirst.prices(loanTokens, latest)).as("USDC from its feed, the rest from the oracle: the oracle's figures")
                .isEqualTo(byOracle);
        // the calls a monitor folds into its Multicall3 round decode to the same prices
        assertThat(usdcFeedFirst.decodePrices(loanTokens, new dev.margincall.chain.Multicall3(chain, deployment.multicall3())
                .aggregate3(usdcFeedFirst.priceCalls(loanTokens), latest))).isEqualTo(byOracle);

        Address weth = deployment.morphoBlue().token("WETH").asset();
        BigInteger moved = devnet.market().movePrice("WETH", -1_234, PriceMoveMethod.STORAGE_WRITE);
        chain.mine();
        assertThat(feedsOnly.prices(List.of(weth), latest)).as("the feed follows the move").containsEntry(weth, moved.multiply(E10));
    }

    @Test
    void aMarketValuedThroughFeedsOnlyValuesEveryTokenAsThroughTheOracle(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Map<Address, Address> feeds = new LinkedHashMap<>();
        loanTokens(deployment).forEach(token -> feeds.put(token, sourceOf(devnet, token)));
        MorphoBlueMarket throughFeeds = started(devnet, morphoKeys(deployment, Optional.empty(), feeds));
        MorphoBlueMarket throughOracle = started(devnet, morphoKeys(deployment, Optional.of(deployment.aaveV3().oracle()), Map.of()));
        assertThat(throughFeeds.accountsTracked()).isEqualTo(throughOracle.accountsTracked()).isPositive();
        for (Address asset : throughOracle.assets()) {
            // collateral priced through its Morpho oracle and its market's loan token: the same dollars, in a finer unit
            BigInteger oracleUsd = throughOracle.price(asset).orElseThrow();
            assertThat(throughFeeds.price(asset)).as("price of %s", asset).hasValueSatisfying(p ->
                    assertThat(p.divide(E10)).isEqualTo(oracleUsd));
        }
    }

    @Test
    void aFeedThatIsNoFeedIsNamedWithTheTokenItWasConfiguredFor(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Address usdc = deployment.morphoBlue().token("USDC").asset();
        UsdPrices wrong = Markets.usdPrices(morphoKeys(deployment, Optional.empty(), Map.of(usdc, deployment.morphoBlue().morpho())),
                deployment.multicall3(), devnet.chain());
        assertThatThrownBy(() -> wrong.prices(List.of(usdc), BlockTag.LATEST))
                .hasMessageContaining("usdFeeds: " + deployment.morphoBlue().morpho() + " does not answer decimals()")
                .hasMessageContaining(usdc.toString());
    }

    private static MorphoBlueMarket started(Devnet devnet, KeeperConfig.MorphoBlue keys) {
        Deployment deployment = devnet.deployment();
        KeeperConfig.Protocol protocol = KeeperConfig.Protocol.morphoBlue(keys, deployment.morphoBlue().startBlock(), Optional.of("feeds"));
        KeeperConfig config = new KeeperConfig(new KeeperConfig.Chain(deployment.chainId(), List.of(deployment.rpcUrl()), Optional.empty(),
                deployment.multicall3(), 5, 20), List.of(protocol));
        MorphoBlueMarket market = Markets.morphoBlue(new MarketId(protocol.type(), protocol.marketName()), protocol, config, devnet.chain(),
                new dev.margincall.chain.logs.InMemoryCheckpointStore(), new SimpleMeterRegistry());
        BlockHeader head = devnet.chain().block(BlockTag.LATEST);
        market.start(head);
        return market;
    }

    private static KeeperConfig.MorphoBlue morphoKeys(Deployment deployment, Optional<Address> oracle, Map<Address, Address> feeds) {
        return new KeeperConfig.MorphoBlue(deployment.morphoBlue().morpho(), List.of(), oracle, feeds, Optional.empty());
    }

    private static List<Address> loanTokens(Deployment deployment) {
        return deployment.morphoBlue().markets().stream().map(Deployment.MorphoMarket::loanToken).distinct().toList();
    }

    private static Address sourceOf(Devnet devnet, Address token) {
        return Address.fromTail(dev.margincall.core.Hex.bytes(devnet.chain().call(CallRequest.call(devnet.deployment().aaveV3().oracle(),
                Abi.call("getSourceOfAsset(address)", Abi.address(token))), BlockTag.LATEST)));
    }
}
