package dev.margincall.devnet;

import java.util.List;

/**
 * The devnet market. Risk parameters and rate curves are close to Aave V3 Ethereum's for the same
 * assets (Aave governance risk parameters, 2023–2024); prices are round numbers.
 *
 * @param flashLoanPremiumBps   total flash-loan premium (Aave V3 launched with 9 bps)
 * @param stableEMode           eMode category 1: stablecoins, LTV 93 %, LT 95 %, bonus 1 %
 */
public record MarketSpec(List<ReserveSpec> reserves, int flashLoanPremiumBps, EModeSpec stableEMode) {

    public record EModeSpec(int id, int ltvBps, int liquidationThresholdBps, int liquidationBonusBps, String label) {
    }

    public static MarketSpec standard() {
        return new MarketSpec(List.of(
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

    public ReserveSpec reserve(String symbol) {
        return reserves.stream().filter(r -> r.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reserve " + symbol + " in the devnet market"));
    }
}
