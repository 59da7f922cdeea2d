package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;

/** The devnet's market events: oracle price moves ("crash") and the passing of time (interest). */
public final class MarketMover {

    /** MockAggregator keeps its answer in its first storage slot ({@code int256 private _latestAnswer}). */
    static final BigInteger MOCK_AGGREGATOR_ANSWER_SLOT = BigInteger.ZERO;

    private final DevChain chain;
    private final Deployment deployment;
    private final DevnetDeployer feeds;
    private final Transactor tx;

    public MarketMover(ChainTools tools, DevChain chain, Deployment deployment) {
        this.chain = chain;
        this.deployment = deployment;
        this.feeds = new DevnetDeployer(tools, chain, MarketSpec.standard());
        this.tx = new Transactor(chain);
    }

    public BigInteger price(String symbol) {
        return Abi.decodeUint(tx.call(deployment.aaveV3().oracle(), Abi.call("getAssetPrice(address)", address(deployment.reserve(symbol).asset()))));
    }

    public Address priceSource(String symbol) {
        return Abi.decodeAddress(tx.call(deployment.aaveV3().oracle(), Abi.call("getSourceOfAsset(address)", address(deployment.reserve(symbol).asset()))));
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

    public void setPrice(String symbol, BigInteger newPrice, PriceMoveMethod method) {
        switch (method) {
            case SOURCE_SWAP -> pointOracleAt(symbol, feeds.deployPriceFeed(symbol, newPrice));
            case STORAGE_WRITE -> {
                writeFeed(symbol, newPrice);
                chain.mine();
            }
            default -> throw new IllegalStateException(method.toString());
        }
    }

    /** {@code AaveOracle.setAssetSources} for one asset, as the pool admin (emits {@code AssetSourceUpdated}). */
    public void pointOracleAt(String symbol, Address feed) {
        tx.send("point the oracle at a new " + symbol + " feed", deployment.deployer(), deployment.aaveV3().oracle(),
                Abi.call("setAssetSources(address[],address[])",
                        new DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(deployment.reserve(symbol).asset()))),
                        new DynamicArray<>(org.web3j.abi.datatypes.Address.class, List.of(address(feed)))));
    }

    /**
     * Rewrites the feed's answer in place (no transaction, no event, no block): the next block the chain
     * mines, by itself under interval mining, carries the new price.
     */
    public void writeFeed(String symbol, BigInteger newPrice) {
        chain.setStorageAt(priceSource(symbol), MOCK_AGGREGATOR_ANSWER_SLOT, Hex.word(newPrice));
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
    }

    /** Mines a block {@code seconds} after the latest one, so interest accrues over that time. */
    public long advanceTime(long seconds) {
        long next = chain.block(BlockTag.LATEST).timestamp() + seconds;
        chain.setNextBlockTimestamp(next);
        chain.mine();
        return next;
    }
}
