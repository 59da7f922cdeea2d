package dev.margincall.devnet;

import java.math.BigInteger;

/**
 * One devnet reserve: its token, oracle price and Aave risk parameters. Percentages are basis points
 * (10000 = 100 %), as the PoolConfigurator takes them; rates become rays when deployed.
 *
 * @param priceBase         oracle price in the base currency, 8 decimals (USD)
 * @param eModeCategory     0 for none
 */
public record ReserveSpec(String symbol, String name, int decimals, BigInteger priceBase,
                          int ltvBps, int liquidationThresholdBps, int liquidationBonusBps,
                          int reserveFactorBps, int liquidationProtocolFeeBps, int eModeCategory,
                          InterestRates rates) {

    /** DefaultReserveInterestRateStrategy parameters, in basis points. */
    public record InterestRates(int optimalUsageBps, int baseVariableBps, int variableSlope1Bps, int variableSlope2Bps) {
    }

    /** The same token under another market's risk parameters (its price, decimals and rate curve unchanged). */
    public ReserveSpec withRisk(int ltvBps, int liquidationThresholdBps, int liquidationBonusBps, int reserveFactorBps) {
        return new ReserveSpec(symbol, name, decimals, priceBase, ltvBps, liquidationThresholdBps, liquidationBonusBps,
                reserveFactorBps, liquidationProtocolFeeBps, eModeCategory, rates);
    }

    public BigInteger unit() {
        return BigInteger.TEN.pow(decimals);
    }

    public static BigInteger usd(long dollars) {
        return BigInteger.valueOf(dollars).multiply(BigInteger.TEN.pow(8));
    }
}
