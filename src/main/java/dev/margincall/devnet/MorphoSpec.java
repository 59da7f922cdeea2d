package dev.margincall.devnet;

import java.math.BigInteger;
import java.util.List;

/**
 * What the devnet deploys of Morpho Blue: the LLTVs the owner enables, the tokens Morpho trades that the
 * Aave market does not list, and the markets. Morpho's markets trade the Aave market's tokens (WETH, USDC,
 * WBTC: same ERC-20s, same Uniswap pools), so one devnet price move reaches both protocols.
 *
 * <p>LLTVs and market shapes follow Morpho Blue's largest Ethereum markets (WETH/USDC and WBTC/USDC at 86 %,
 * wstETH/WETH at 94.5 %); fees are arbitrary, one market has none so both paths of the interest accrual run.
 *
 * @param lltvs   enabled with {@code enableLltv}, wad
 * @param pegged  tokens Morpho-only, priced as a fixed multiple of another token (a liquid-staking token)
 */
public record MorphoSpec(List<BigInteger> lltvs, List<PeggedToken> pegged, List<Market> markets) {

    public static final BigInteger WAD = BigInteger.TEN.pow(18);

    public MorphoSpec {
        lltvs = List.copyOf(lltvs);
        pegged = List.copyOf(pegged);
        markets = List.copyOf(markets);
    }

    /**
     * A token whose USD price is always {@code rate} (wad) times {@code peggedTo}'s: wstETH-like, it follows
     * ETH in a crash, so the correlated market moves only when the devnet moves the rate.
     */
    public record PeggedToken(String symbol, String name, int decimals, String peggedTo, BigInteger rate) {
    }

    /**
     * @param lltv  wad; one of {@link #lltvs}
     * @param fee   wad share of the interest minted to the fee recipient as supply shares (at most 0.25e18)
     */
    public record Market(String name, String collateral, String loan, BigInteger lltv, BigInteger fee) {
    }

    /** The devnet's Morpho: LLTVs 86 %, 91.5 %, 94.5 %; WETH/USDC, WBTC/USDC and WSTETH/WETH. */
    public static MorphoSpec standard() {
        BigInteger lltv86 = wad("0.86");
        BigInteger lltv915 = wad("0.915");
        BigInteger lltv945 = wad("0.945");
        return new MorphoSpec(
                List.of(lltv86, lltv915, lltv945),
                List.of(new PeggedToken("WSTETH", "Devnet Wrapped Staked Ether", 18, "WETH", wad("1.17"))),
                List.of(new Market("WETH/USDC", "WETH", "USDC", lltv86, wad("0.1")),
                        new Market("WBTC/USDC", "WBTC", "USDC", lltv915, wad("0.05")),
                        new Market("WSTETH/WETH", "WSTETH", "WETH", lltv945, BigInteger.ZERO)));
    }

    /**
     * The USD prices of every token, the pegged ones added: {@code usd} holds the others' (the Aave oracle's, 8
     * decimals); a pegged token's is its anchor's times its rate, rounded down.
     */
    public java.util.Map<String, BigInteger> withPegged(java.util.Map<String, BigInteger> usd) {
        java.util.Map<String, BigInteger> all = new java.util.LinkedHashMap<>(usd);
        for (PeggedToken token : pegged) {
            BigInteger anchor = usd.get(token.peggedTo());
            if (anchor == null) {
                throw new IllegalArgumentException(token.symbol() + " is pegged to " + token.peggedTo() + ", which has no USD price");
            }
            all.put(token.symbol(), anchor.multiply(token.rate()).divide(WAD));
        }
        return all;
    }

    public Market market(String name) {
        return markets.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Morpho market " + name + " in the devnet spec"));
    }

    /** "0.86" → 860000000000000000. */
    static BigInteger wad(String decimal) {
        return new java.math.BigDecimal(decimal).multiply(new java.math.BigDecimal(WAD)).toBigIntegerExact();
    }
}
