package dev.margincall.devnet;

import java.util.List;

/**
 * One devnet market. Risk parameters and rate curves are close to Aave V3 Ethereum's for the same
 * assets (Aave governance risk parameters, 2023–2024); prices are round numbers.
 *
 * <p>The devnet deploys {@link #standard() "core"} first; a second market ({@link #prime() "prime"})
 * is a separate Aave market on the same chain, as Aave runs "Core" and "Prime" on Ethereum: its own
 * PoolAddressesProvider, Pool, oracle and aTokens, listing some of core's tokens under other risk
 * parameters. It reuses core's ERC-20s, price feeds and Uniswap pools, so one price move hits both.
 *
 * @param name                  what deployment.json and the reports call the market
 * @param flashLoanPremiumBps   total flash-loan premium (Aave V3 launched with 9 bps)
 * @param stableEMode           eMode category 1: the stablecoins
 */
public record MarketSpec(String name, List<ReserveSpec> reserves, int flashLoanPremiumBps, EModeSpec stableEMode) {

    public static final String CORE = "core";
    public static final String PRIME = "prime";

    public record EModeSpec(int id, int ltvBps, int liquidationThresholdBps, int liquidationBonusBps, String label) {
    }

    /** The first market, unchanged since the devnet had only one: every reserve, stablecoin eMode LTV 93 %, LT 95 %, bonus 1 %. */
    public static MarketSpec standard() {
        return new MarketSpec(CORE, List.of(
                new ReserveSpec("WETH", "Wrapped Ether", 18, ReserveSpec.usd(2_000), 8000, 8250, 10500, 1500, 1000, 0,
                        new ReserveSpec.InterestRates(8000, 0, 380, 8000)),
                new ReserveSpec("USDC", "USD Coin", 6, ReserveSpec.usd(1), 7700, 7900, 10450, 1000, 1000, 1,
                        new ReserveSpec.InterestRates(9000, 0, 400, 6000)),
                new ReserveSpec("WBTC", "Wrapped BTC", 8, ReserveSpec.usd(40_000), 7000, 7500, 10625, 2000, 1000, 0,
                        new ReserveSpec.InterestRates(4500, 0, 400, 30000)),
                new ReserveSpec("DAI", "Dai Stablecoin", 18, ReserveSpec.usd(1), 6700, 8000, 10500, 1000, 1000, 1,
                        new ReserveSpec.InterestRates(9000, 0, 400, 7500))),
                9,
                new EModeSpec(1, 9300, 9500, 10100, "Stablecoins"));
    }

    /**
     * The second market: WETH, USDC and DAI only, more conservative than core (lower thresholds, so a
     * crash reaches its borrowers sooner, and larger bonuses), a 5 bps flash premium and a stablecoin
     * eMode at LTV 90 %, LT 93 %, bonus 2 %. Prices and rate curves are core's.
     */
    public static MarketSpec prime() {
        MarketSpec core = standard();
        return new MarketSpec(PRIME, List.of(
                core.reserve("WETH").withRisk(7500, 7800, 10700, 1500),
                core.reserve("USDC").withRisk(7500, 7800, 10500, 1000),
                core.reserve("DAI").withRisk(6300, 7700, 10500, 2500)),
                5,
                new EModeSpec(1, 9000, 9300, 10200, "Stablecoins"));
    }

    /** Every market the devnet can deploy, in deployment order: core, then prime. */
    public static List<MarketSpec> all() {
        return List.of(standard(), prime());
    }

    /** The first {@code count} of {@link #all()}. */
    public static List<MarketSpec> markets(int count) {
        List<MarketSpec> all = all();
        if (count < 1 || count > all.size()) {
            throw new IllegalArgumentException("the devnet has 1 to " + all.size() + " markets, not " + count);
        }
        return all.subList(0, count);
    }

    public ReserveSpec reserve(String symbol) {
        return reserves.stream().filter(r -> r.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reserve " + symbol + " in the devnet market " + name));
    }
}
