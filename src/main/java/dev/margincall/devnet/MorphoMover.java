package dev.margincall.devnet;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.Map;

/**
 * Moves the devnet's Morpho oracle prices. {@link MarketMover} calls {@link #follow} whenever it moves an Aave
 * price, so every Morpho market follows the devnet's USD prices ({@link MorphoOraclePrice}); a test can also set
 * one market's price by itself (a depeg of the correlated pair). Prices are written into {@code OracleMock}'s
 * storage, as {@code setPrice} would (the mock emits no event either way), without mining: the next block
 * carries them, together with whatever else the caller writes before it mines.
 */
public final class MorphoMover {

    /** OracleMock keeps {@code uint256 public price} in its first storage slot (src/mocks/OracleMock.sol). */
    static final BigInteger ORACLE_MOCK_PRICE_SLOT = BigInteger.ZERO;

    private final DevChain chain;
    private final Deployment deployment;
    private final Deployment.MorphoBlue morpho;
    private final MorphoSpec spec;
    private final Transactor tx;

    public MorphoMover(DevChain chain, Deployment deployment, MorphoSpec spec) {
        this.chain = chain;
        this.deployment = deployment;
        this.morpho = deployment.morphoBlue();
        this.spec = spec;
        this.tx = new Transactor(chain);
        if (morpho == null) {
            throw new IllegalArgumentException("this deployment has no Morpho Blue");
        }
    }

    /** The market oracle's {@code price()} now. */
    public BigInteger oraclePrice(Deployment.MorphoMarket market) {
        return Abi.decodeUint(tx.call(market.oracle(), Abi.call("price()")));
    }

    /** Writes one market's oracle price (1e36-scaled); the next block mined carries it. */
    public void setOraclePrice(Deployment.MorphoMarket market, BigInteger price) {
        chain.setStorageAt(market.oracle(), ORACLE_MOCK_PRICE_SLOT, Hex.word(price));
    }

    /**
     * Sets every market's oracle to the price {@code usd} (the Aave tokens' USD prices, 8 decimals; pegged tokens
     * are derived) gives it; a market whose price would not change is not written.
     */
    public void follow(Map<String, BigInteger> usd) {
        changes(usd).forEach(this::setOraclePrice);
    }

    /**
     * As {@link #follow}, by {@code OracleMock.setPrice} transactions (each mined before this returns) instead of storage
     * writes. A storage write changes the latest block's state in place: a later read of that block sees the new price
     * although whoever read it while it was the head did not. The bench's ground truth (who was liquidatable at which
     * block) needs a price that moves at a block.
     */
    public void followByTransactions(Map<String, BigInteger> usd) {
        changes(usd).forEach((market, price) -> tx.send("OracleMock.setPrice of " + market.name(), DevnetDeployer.DEPLOYER, market.oracle(),
                Abi.call("setPrice(uint256)", Abi.uint(price))));
    }

    /** Each market's oracle price under {@code usd}, for the markets whose price it changes. */
    private Map<Deployment.MorphoMarket, BigInteger> changes(Map<String, BigInteger> usd) {
        Map<String, BigInteger> all = spec.withPegged(usd);
        Map<Deployment.MorphoMarket, BigInteger> changes = new java.util.LinkedHashMap<>();
        for (Deployment.MorphoMarket market : morpho.markets()) {
            BigInteger price = MorphoOraclePrice.fromUsd(all.get(market.collateralSymbol()), morpho.token(market.collateralSymbol()).decimals(),
                    all.get(market.loanSymbol()), morpho.token(market.loanSymbol()).decimals());
            if (!price.equals(oraclePrice(market))) {
                changes.put(market, price);
            }
        }
        return changes;
    }

    /**
     * Aligns the Uniswap pairs only Morpho's markets have (the Aave deployment's are {@link MarketMover}'s) that
     * trade {@code symbol} to {@code usd}.
     */
    public void alignPairsOf(String symbol, Map<String, BigInteger> usd) {
        Map<String, BigInteger> all = spec.withPegged(usd);
        chain.setBalance(PoolArbitrageur.ARBITRAGEUR, BigInteger.TEN.pow(20));
        PoolArbitrageur arbitrageur = new PoolArbitrageur(tx, deployment);
        for (Deployment.MorphoMarket market : morpho.markets()) {
            boolean aaves = deployment.uniswapV2().pairs().containsValue(market.uniswapPair());
            boolean trades = market.collateralSymbol().equals(symbol) || market.loanSymbol().equals(symbol)
                    || spec.pegged().stream().anyMatch(p -> p.peggedTo().equals(symbol)
                    && (p.symbol().equals(market.collateralSymbol()) || p.symbol().equals(market.loanSymbol())));
            if (!aaves && trades) {
                arbitrageur.align(market.uniswapPair(), PoolArbitrageur.PoolToken.of(morpho.token(market.collateralSymbol())),
                        PoolArbitrageur.PoolToken.of(morpho.token(market.loanSymbol())), all);
            }
        }
    }
}
