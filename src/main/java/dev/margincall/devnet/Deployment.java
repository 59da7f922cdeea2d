package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What the devnet deployed, written to {@code deployment.json} so a config can point at it.
 *
 * <p>{@code aaveV3} and {@code reserves} are the first market ("core"), as they were when the devnet
 * had one; {@code aaveV3Markets} lists every Aave market on the chain, the first being that same one.
 * A file written before there were several markets has no {@code aaveV3Markets}: reading it gives the
 * one market it describes.
 *
 * <p>{@code morphoBlue} is null unless the devnet deployed Morpho Blue too ({@code devnet --protocols aave-v3,morpho-blue}).
 *
 * @param startBlock   the block of the first Aave contract: backfilling from here sees every event
 */
public record Deployment(long chainId, String rpcUrl, long startBlock, Address deployer, Address liquidityProvider,
                         Address multicall3, Aave aaveV3, List<Reserve> reserves, UniswapV2 uniswapV2, List<AaveMarket> aaveV3Markets,
                         MorphoBlue morphoBlue) {

    public Deployment {
        if (aaveV3Markets == null || aaveV3Markets.isEmpty()) {
            aaveV3Markets = List.of(new AaveMarket(MarketSpec.CORE, aaveV3, reserves));
        } else if (!aaveV3Markets.get(0).aaveV3().equals(aaveV3)) {
            throw new IllegalArgumentException("the first of aaveV3Markets must be aaveV3 (" + aaveV3.pool() + "), not "
                    + aaveV3Markets.get(0).aaveV3().pool());
        }
        aaveV3Markets = List.copyOf(aaveV3Markets);
    }

    /** A deployment of Aave markets only (no Morpho Blue). */
    public Deployment(long chainId, String rpcUrl, long startBlock, Address deployer, Address liquidityProvider,
                      Address multicall3, Aave aaveV3, List<Reserve> reserves, UniswapV2 uniswapV2, List<AaveMarket> aaveV3Markets) {
        this(chainId, rpcUrl, startBlock, deployer, liquidityProvider, multicall3, aaveV3, reserves, uniswapV2, aaveV3Markets, null);
    }

    /** The same deployment with Morpho Blue beside its Aave markets. */
    public Deployment withMorphoBlue(MorphoBlue morpho) {
        return new Deployment(chainId, rpcUrl, startBlock, deployer, liquidityProvider, multicall3, aaveV3, reserves, uniswapV2, aaveV3Markets, morpho);
    }

    /** A deployment of one market. */
    public Deployment(long chainId, String rpcUrl, long startBlock, Address deployer, Address liquidityProvider,
                      Address multicall3, Aave aaveV3, List<Reserve> reserves, UniswapV2 uniswapV2) {
        this(chainId, rpcUrl, startBlock, deployer, liquidityProvider, multicall3, aaveV3, reserves, uniswapV2, null);
    }

    public record Aave(Address poolAddressesProvider, Address pool, Address poolConfigurator, Address aclManager,
                       Address oracle, Address dataProvider, Address treasury) {
    }

    /** One token as a market lists it: {@code priceSource} is the feed the market's oracle reads. */
    public record Reserve(String symbol, Address asset, int decimals, BigInteger price, Address priceSource,
                          Address aToken, Address stableDebtToken, Address variableDebtToken) {
    }

    /**
     * One Aave V3 market: its own contracts and the reserves it lists (the tokens are shared between
     * markets, their aTokens and debt tokens are not).
     */
    public record AaveMarket(String name, Aave aaveV3, List<Reserve> reserves) {

        public AaveMarket {
            reserves = List.copyOf(reserves);
        }

        public Reserve reserve(String symbol) {
            return findReserve(reserves, symbol, name);
        }

        public boolean lists(String symbol) {
            return reserves.stream().anyMatch(r -> r.symbol().equals(symbol));
        }
    }

    /** {@code pairs} maps "WETH/USDC" (symbols in the spec's order) to the pair address. */
    public record UniswapV2(Address factory, Address router, Map<String, Address> pairs) {
    }

    /** A reserve of the first market. */
    public Reserve reserve(String symbol) {
        return findReserve(reserves, symbol, MarketSpec.CORE);
    }

    public AaveMarket market(String name) {
        return aaveV3Markets.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no market " + name + " in this deployment"));
    }

    private static Reserve findReserve(List<Reserve> reserves, String symbol, String market) {
        return reserves.stream().filter(r -> r.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reserve " + symbol + " in the market " + market + " of this deployment"));
    }

    /**
     * Morpho Blue on the devnet: one Morpho contract, its IRM and one movable oracle per market.
     *
     * @param startBlock the block Morpho was deployed in: backfilling from here sees every {@code CreateMarket}
     * @param tokens     every token a Morpho market trades, the Aave market's and the Morpho-only ones
     */
    public record MorphoBlue(Address morpho, Address irm, Address owner, Address feeRecipient, long startBlock,
                             List<MorphoToken> tokens, List<MorphoMarket> markets) {

        public MorphoBlue {
            tokens = List.copyOf(tokens);
            markets = List.copyOf(markets);
        }

        public MorphoMarket market(String name) {
            return markets.stream().filter(m -> m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no Morpho market " + name + " in this deployment"));
        }

        public MorphoToken token(String symbol) {
            return tokens.stream().filter(t -> t.symbol().equals(symbol)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no Morpho token " + symbol + " in this deployment"));
        }
    }

    /** A token of the Morpho markets. */
    public record MorphoToken(String symbol, Address asset, int decimals) {
    }

    /**
     * One Morpho Blue market: its {@code MarketParams} (loan token, collateral token, oracle, IRM, LLTV), its id
     * ({@code keccak256(abi.encode(marketParams))}, 0x + 64 hex digits), its fee (wad) and the Uniswap V2 pair of
     * its two tokens.
     */
    public record MorphoMarket(String name, String id, String loanSymbol, Address loanToken, String collateralSymbol,
                               Address collateralToken, Address oracle, Address irm, BigInteger lltv, BigInteger fee,
                               Address uniswapPair) {
    }
}
