package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.RiskSnapshot;
import java.math.BigInteger;
import java.util.stream.IntStream;

/**
 * The snapshot's indebted accounts read once: their exposures (exact, as the protocol counts them) and,
 * flattened into arrays, the doubles the screens use to find where each account's health factor crosses
 * 1 (an approximation the screens confirm with the protocol's exact evaluation near every crossing).
 */
final class ExposureTable {

    final RiskSnapshot snapshot;
    /** Snapshot index of each indebted account. */
    final int[] account;
    final AccountExposure[] exposure;
    final boolean[] liquidatableNow;
    /** Debt above collateral before any fall (read once here: every scenario asks, and the exposures are scattered in memory). */
    final boolean[] badDebtNow;
    /** Σ collateral × threshold, Σ debt and Σ collateral, as doubles (value unit). */
    final double[] weighted;
    final double[] debt;
    final double[] collateral;
    /** Lines of account j are at [lineStart[j], lineStart[j + 1]). */
    final int[] lineStart;
    final int[] lineAsset;
    final double[] lineWeighted;
    final double[] lineDebt;
    final double[] lineCollateral;
    final int lineCount;
    /** 10^decimals of each asset. */
    final BigInteger[] unit;

    private ExposureTable(RiskSnapshot snapshot, int[] account, AccountExposure[] exposure) {
        this.snapshot = snapshot;
        this.account = account;
        this.exposure = exposure;
        int n = account.length;
        liquidatableNow = new boolean[n];
        badDebtNow = new boolean[n];
        weighted = new double[n];
        debt = new double[n];
        collateral = new double[n];
        lineStart = new int[n + 1];
        int lines = 0;
        for (int j = 0; j < n; j++) {
            lineStart[j] = lines;
            lines += exposure[j].lines().size();
        }
        lineStart[n] = lines;
        lineCount = lines;
        lineAsset = new int[lines];
        lineWeighted = new double[lines];
        lineDebt = new double[lines];
        lineCollateral = new double[lines];
        unit = snapshot.assets().stream().map(a -> BigInteger.TEN.pow(a.decimals())).toArray(BigInteger[]::new);
        BigInteger wad = BigInteger.TEN.pow(18);
        // each account writes only its own slots and lines: in parallel (the BigInteger-to-double conversions add up)
        IntStream.range(0, n).parallel().forEach(j -> {
            AccountExposure e = exposure[j];
            liquidatableNow[j] = e.healthFactor().compareTo(wad) < 0;
            badDebtNow[j] = e.collateralValue().compareTo(e.debtValue()) < 0;
            double w = 0;
            // by index: an iterator per account was a twentieth of the report's garbage
            for (int l = lineStart[j]; l < lineStart[j + 1]; l++) {
                AccountExposure.Line line = e.lines().get(l - lineStart[j]);
                lineAsset[l] = line.asset();
                lineCollateral[l] = line.collateralValue().doubleValue();
                lineWeighted[l] = lineCollateral[l] * line.liquidationThresholdBps() / 10_000.0;
                lineDebt[l] = line.debtValue().doubleValue();
                w += lineWeighted[l];
            }
            weighted[j] = w;
            debt[j] = e.debtValue().doubleValue();
            collateral[j] = e.collateralValue().doubleValue();
        });
    }

    /** Reads every account's exposure (in parallel: the adapter evaluates each) and keeps those with debt. */
    static ExposureTable of(RiskSnapshot snapshot) {
        AccountExposure[] all = new AccountExposure[snapshot.size()];
        IntStream.range(0, all.length).parallel().forEach(i -> all[i] = snapshot.exposure(i));
        int[] indebted = IntStream.range(0, all.length).filter(i -> all[i].hasDebt()).toArray();
        AccountExposure[] kept = new AccountExposure[indebted.length];
        for (int j = 0; j < indebted.length; j++) {
            kept[j] = all[indebted[j]];
        }
        return new ExposureTable(snapshot, indebted, kept);
    }

    int size() {
        return account.length;
    }

    /**
     * The account's debt at other prices of the falling assets ({@code prices} by asset; null where the
     * price does not move): a moved line is valued as the protocol values it, units × price / 10^decimals
     * rounded down, or up where the protocol rounds debt up ({@link RiskSnapshot#debtValueRoundsUp()}).
     */
    BigInteger debtAt(int j, BigInteger[] prices) {
        BigInteger total = BigInteger.ZERO;
        boolean up = snapshot.debtValueRoundsUp();
        for (AccountExposure.Line line : exposure[j].lines()) {
            BigInteger price = prices[line.asset()];
            if (price == null || line.debtUnits().signum() == 0) {
                total = total.add(line.debtValue());
            } else {
                BigInteger product = line.debtUnits().multiply(price);
                total = total.add(up ? dev.margincall.core.Rounding.ceilDiv(product, unit[line.asset()]) : product.divide(unit[line.asset()]));
            }
        }
        return total;
    }

    /** The account's collateral at other prices of the falling assets, valued as {@link #debtAt} values debt. */
    BigInteger collateralAt(int j, BigInteger[] prices) {
        BigInteger total = BigInteger.ZERO;
        for (AccountExposure.Line line : exposure[j].lines()) {
            BigInteger price = prices[line.asset()];
            total = total.add(price == null || line.collateralUnits().signum() == 0 ? line.collateralValue()
                    : line.collateralUnits().multiply(price).divide(unit[line.asset()]));
        }
        return total;
    }

    /** The account's collateral and debt value in the given assets (exact). */
    BigInteger[] valuesIn(int j, boolean[] assets) {
        BigInteger collateralIn = BigInteger.ZERO;
        BigInteger debtIn = BigInteger.ZERO;
        for (AccountExposure.Line line : exposure[j].lines()) {
            if (assets[line.asset()]) {
                collateralIn = collateralIn.add(line.collateralValue());
                debtIn = debtIn.add(line.debtValue());
            }
        }
        return new BigInteger[] {collateralIn, debtIn};
    }
}
