package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.web3j.abi.datatypes.DynamicArray;

/**
 * The devnet's market events: oracle price moves ("crash") and the passing of time (interest). Every
 * Aave market of the devnet reads the same feeds, so a price move is one call for all of them: a
 * storage write changes the one feed every oracle reads; a source swap points every oracle that lists
 * the asset at the new feed (one transaction per market, in market order).
 */
public final class MarketMover {

    /** MockAggregator keeps its answer in its first storage slot ({@code int256 private _latestAnswer}). */
    static final BigInteger MOCK_AGGREGATOR_ANSWER_SLOT = BigInteger.ZERO;

    private final DevChain chain;
    private final Deployment deployment;
    private final DevnetDeployer feeds;
    private final Transactor tx;
    private final MorphoMover morpho;

    public MarketMover(ChainTools tools, DevChain chain, Deployment deployment) {
        this.chain = chain;
        this.deployment = deployment;
        this.feeds = new DevnetDeployer(tools, chain, MarketSpec.standard());
        this.tx = new Transactor(chain);
        this.morpho = deployment.morphoBlue() == null ? null : new MorphoMover(chain, deployment, MorphoSpec.standard());
    }

    /** The first market's oracle price. */
    public BigInteger price(String symbol) {
        return price(firstMarket(), symbol);
    }

    public BigInteger price(Deployment.AaveMarket market, String symbol) {
        return Abi.decodeUint(tx.call(market.aaveV3().oracle(), Abi.call("getAssetPrice(address)", address(market.reserve(symbol).asset()))));
    }

    /** The feed the first market's oracle reads. */
    public Address priceSource(String symbol) {
        return priceSource(firstMarket(), symbol);
    }

    public Address priceSource(Deployment.AaveMarket market, String symbol) {
        return Abi.decodeAddress(tx.call(market.aaveV3().oracle(), Abi.call("getSourceOfAsset(address)", address(market.reserve(symbol).asset()))));
    }

    /**
     * Moves a price by {@code changeBps} basis points (−3000 = a 30 % crash), then lets arbitrage bring
     * the Uniswap pools of that asset to the new price; returns the new oracle price.
     */
    public BigInteger movePrice(String symbol, int changeBps, PriceMoveMethod method) {
        if (changeBps <= -10_000) {
            throw new IllegalArgumentException("a price can fall by less than 100 %, not " + changeBps + " bps");
        }
        BigInteger newPrice = price(symbol).multiply(BigInteger.valueOf(10_000L + changeBps)).divide(BigInteger.valueOf(10_000));
        setPrice(symbol, newPrice, method);
        alignPools(symbol);
        return newPrice;
    }

    /**
     * Sets a price. With Morpho Blue on the devnet its oracles follow ({@link MorphoMover#follow}): in the same
     * block for a storage write, in the block after the source swap's transactions for a source swap.
     */
    public void setPrice(String symbol, BigInteger newPrice, PriceMoveMethod method) {
        switch (method) {
            case SOURCE_SWAP -> {
                pointOracleAt(symbol, feeds.deployPriceFeed(symbol, newPrice));
                if (morpho != null) {
                    morpho.follow(pricesWith(symbol, newPrice));
                    chain.mine();
                }
            }
            case STORAGE_WRITE -> {
                writeFeed(symbol, newPrice);
                if (morpho != null) {
                    morpho.follow(pricesWith(symbol, newPrice));
                }
                chain.mine();
            }
            default -> throw new IllegalStateException(method.toString());
        }
    }

    /** The first market's prices of every reserve, with {@code symbol} at {@code newPrice}. */
    public java.util.Map<String, BigInteger> pricesWith(String symbol, BigInteger newPrice) {
        java.util.Map<String, BigInteger> prices = new java.util.LinkedHashMap<>();
        deployment.reserves().forEach(r -> prices.put(r.symbol(), r.symbol().equals(symbol) ? newPrice : price(r.symbol())));
        return prices;
    }

    /** The Morpho oracles' mover; null when the devnet has no Morpho Blue. */
    public MorphoMover morpho() {
        return morpho;
    }

    /**
     * {@code AaveOracle.setAssetSources} for one asset in every market's oracle that lists it, as the
     * pool admin (each emits {@code AssetSourceUpdated}).
     */
    public void pointOracleAt(String symbol, Address feed) {
        for (Deployment.AaveMarket market : marketsListing(symbol)) {
            tx.send("point the " + market.name() + " oracle at a new " + symbol + " feed", deployment.deployer(), market.aaveV3().oracle(),
                    Abi.call("setAssetSources(address[],address[])",
                            new DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(market.reserve(symbol).asset()))),
                            new DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(feed)))));
        }
    }

    /**
     * Rewrites the answer of the feed the oracles read, in place (no transaction, no event, no block):
     * the next block the chain mines, by itself under interval mining, carries the new price in every
     * market. Should markets read different feeds for the asset, each of them is written.
     */
    public void writeFeed(String symbol, BigInteger newPrice) {
        Set<Address> feeds = new LinkedHashSet<>();
        marketsListing(symbol).forEach(market -> feeds.add(priceSource(market, symbol)));
        feeds.forEach(feed -> chain.setStorageAt(feed, MOCK_AGGREGATOR_ANSWER_SLOT, Hex.word(newPrice)));
    }

    private Deployment.AaveMarket firstMarket() {
        return deployment.aaveV3Markets().get(0);
    }

    private List<Deployment.AaveMarket> marketsListing(String symbol) {
        List<Deployment.AaveMarket> listing = deployment.aaveV3Markets().stream().filter(m -> m.lists(symbol)).toList();
        if (listing.isEmpty()) {
            throw new IllegalArgumentException("no market of this devnet lists " + symbol);
        }
        return listing;
    }

    /** Swaps the Uniswap pools of {@code symbol} back to the oracle's prices (as arbitrageurs would). */
    public void alignPools(String symbol) {
        java.util.Map<String, BigInteger> prices = new java.util.HashMap<>();
        deployment.reserves().forEach(r -> prices.put(r.symbol(), price(r.symbol())));
        alignPools(symbol, prices);
    }

    /** Swaps the Uniswap pools of {@code symbol} to {@code prices} (by symbol, oracle units): a DEX that moves before the oracle. */
    public void alignPools(String symbol, java.util.Map<String, BigInteger> prices) {
        chain.setBalance(PoolArbitrageur.ARBITRAGEUR, BigInteger.TEN.pow(20));
        new PoolArbitrageur(tx, deployment).alignPairsOf(symbol, prices);
        if (morpho != null) {
            morpho.alignPairsOf(symbol, prices);
        }
    }

    /** Mines a block {@code seconds} after the latest one, so interest accrues over that time. */
    public long advanceTime(long seconds) {
        long next = chain.block(BlockTag.LATEST).timestamp() + seconds;
        chain.setNextBlockTimestamp(next);
        chain.mine();
        return next;
    }
}
