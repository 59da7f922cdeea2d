package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * USD prices from Chainlink-style feeds, one per loan token (config {@code usdFeeds}), for chains or tokens an Aave
 * oracle does not cover. A feed answers {@code latestAnswer()} (int256) and {@code decimals()}: what Chainlink's
 * aggregators and proxies answer, and what AaveOracle itself reads from its sources (AaveOracle.sol,
 * {@code getAssetPrice}: {@code IChainlinkAggregator(source).latestAnswer()}). Tokens without a feed are priced by
 * {@code rest} (the configured {@code aaveOracle}) when there is one, else left unpriced.
 *
 * <p>Prices are in {@code rest}'s unit (an AaveOracle's {@code BASE_CURRENCY_UNIT}, immutable there) or, feeds only,
 * in 10^18 per USD, so a feed of any number of decimals and the oracle compare: {@code answer · unit / 10^decimals},
 * rounded down. A feed's decimals are immutable in Chainlink aggregators: read once, at the first prices asked.
 */
public final class FeedUsdPrices implements UsdPrices {

    /** The unit when no Aave oracle sets one: wad, finer than any feed's 8 or 18 decimals, so nothing rounds. */
    static final BigInteger FEEDS_ONLY_UNIT = BigInteger.TEN.pow(18);

    private final Multicall3 multicall;
    private final Map<Address, Address> feeds;
    private final Optional<UsdPrices> rest;
    private final Map<Address, BigInteger> feedScale = new HashMap<>();
    private BigInteger unit;

    /** {@code feeds}: loan token → its USD feed; {@code rest}: prices the other tokens (empty: they stay unpriced). */
    public FeedUsdPrices(EthRpc rpc, Address multicall3, Map<Address, Address> feeds, Optional<UsdPrices> rest) {
        this.multicall = new Multicall3(rpc, multicall3);
        this.feeds = Map.copyOf(feeds);
        this.rest = rest;
    }

    @Override
    public synchronized Valuation valuation(BlockTag tag) {
        if (unit == null) {
            unit = rest.map(r -> r.valuation(tag).unitsPerUsd()).orElse(FEEDS_ONLY_UNIT);
        }
        return new Valuation(unit);
    }

    @Override
    public Map<Address, BigInteger> prices(List<Address> assets, BlockTag tag) {
        return decodePrices(assets, multicall.aggregate3(priceCalls(assets), tag));
    }

    /** The feeds' answers first (in {@code assets}' order), then {@code rest}'s calls for the tokens without a feed. */
    @Override
    public List<Multicall3.Call> priceCalls(List<Address> assets) {
        prepare(assets);
        List<Multicall3.Call> calls = new ArrayList<>();
        List<Address> others = new ArrayList<>();
        for (Address asset : assets) {
            Address feed = feeds.get(asset);
            if (feed != null) {
                calls.add(new Multicall3.Call(feed, Abi.call("latestAnswer()")));
            } else {
                others.add(asset);
            }
        }
        rest.ifPresent(r -> calls.addAll(r.priceCalls(others)));
        return calls;
    }

    @Override
    public Map<Address, BigInteger> decodePrices(List<Address> assets, List<Multicall3.Result> results) {
        prepare(assets);
        Map<Address, BigInteger> prices = new LinkedHashMap<>();
        List<Address> others = new ArrayList<>();
        int next = 0;
        for (Address asset : assets) {
            Address feed = feeds.get(asset);
            if (feed == null) {
                others.add(asset);
                continue;
            }
            Multicall3.Result result = results.get(next++);
            if (result.success()) {
                BigInteger price = price(Abi.decodeUint(result.returnData()), unit(), feedScale(feed));
                if (price.signum() > 0) {
                    prices.put(asset, price);
                }
            }
        }
        List<Multicall3.Result> restResults = results.subList(next, results.size());
        rest.ifPresent(r -> prices.putAll(r.decodePrices(others, restResults)));
        return reordered(assets, prices);
    }

    /**
     * A feed's {@code latestAnswer} word ({@code feedScale} = 10^decimals per USD) in {@code unit} per USD, rounded down;
     * zero (unpriced) for a negative answer (int256 with its sign bit set: a broken feed must not price anything).
     */
    static BigInteger price(BigInteger answerWord, BigInteger unit, BigInteger feedScale) {
        return answerWord.testBit(255) ? BigInteger.ZERO : answerWord.multiply(unit).divide(feedScale);
    }

    private synchronized BigInteger unit() {
        return unit;
    }

    private synchronized BigInteger feedScale(Address feed) {
        return feedScale.get(feed);
    }

    /** Reads the unit and the decimals of the feeds not seen yet (one Multicall3 round, once per feed). */
    private synchronized void prepare(List<Address> assets) {
        valuation(BlockTag.LATEST);
        List<Address> unread = assets.stream().map(feeds::get).filter(f -> f != null && !feedScale.containsKey(f)).distinct().toList();
        if (unread.isEmpty()) {
            return;
        }
        List<Multicall3.Result> results = multicall.aggregate3(unread.stream()
                .map(f -> new Multicall3.Call(f, Abi.call("decimals()"))).toList(), BlockTag.LATEST);
        for (int i = 0; i < unread.size(); i++) {
            Address feed = unread.get(i);
            if (!results.get(i).success()) {
                throw new IllegalStateException("usdFeeds: " + feed + " does not answer decimals(): configure a Chainlink-style USD feed "
                        + "(latestAnswer() and decimals()) for " + tokenOf(feed));
            }
            feedScale.put(feed, BigInteger.TEN.pow(Abi.decodeUint(results.get(i).returnData()).intValueExact()));
        }
    }

    private Address tokenOf(Address feed) {
        return feeds.entrySet().stream().filter(e -> e.getValue().equals(feed)).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Map<Address, BigInteger> reordered(List<Address> assets, Map<Address, BigInteger> prices) {
        Map<Address, BigInteger> ordered = new LinkedHashMap<>();
        assets.stream().filter(prices::containsKey).forEach(a -> ordered.put(a, prices.get(a)));
        return ordered;
    }
}
