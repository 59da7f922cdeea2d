package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Per collateral asset, where its holders' liquidation prices lie (that asset alone falling, from the
 * linear model: display data), binned from the current price down, weighted by their collateral in it.
 */
final class LiquidationPriceHistogram {

    private LiquidationPriceHistogram() {
    }

    static PriceHistogram of(ExposureTable table, int asset, int binBps) {
        RiskAsset info = table.snapshot.assets().get(asset);
        int bins = (10_000 + binBps - 1) / binBps;
        int[] accounts = new int[bins];
        ExactSum[] collateral = new ExactSum[bins]; // summed in longs: the binned accounts are most of the book
        for (int b = 0; b < bins; b++) {
            collateral[b] = new ExactSum();
        }
        for (int j = 0; j < table.size(); j++) {
            if (table.liquidatableNow[j]) {
                continue;
            }
            // the screen from the flattened lines; the exact collateral only for the accounts binned
            double nS = 0;
            double dS = 0;
            boolean holds = false;
            for (int l = table.lineStart[j]; l < table.lineStart[j + 1]; l++) {
                if (table.lineAsset[l] == asset) {
                    nS += table.lineWeighted[l];
                    dS += table.lineDebt[l];
                    holds |= table.lineCollateral[l] > 0; // a double of a non-zero value is never 0
                }
            }
            double slope = nS - dS;
            if (!holds || slope <= 0) {
                continue;
            }
            double drop = (table.weighted[j] - table.debt[j]) / slope;
            if (drop <= 0 || drop >= 1) {
                continue;
            }
            int bin = Math.min(bins - 1, (int) ((1 - drop) * 10_000 / binBps));
            List<AccountExposure.Line> lines = table.exposure[j].lines();
            for (int l = table.lineStart[j]; l < table.lineStart[j + 1]; l++) {
                if (table.lineAsset[l] == asset) {
                    collateral[bin].add(lines.get(l - table.lineStart[j]).collateralValue());
                }
            }
            accounts[bin]++;
        }
        Valuation valuation = table.snapshot.valuation();
        List<PriceHistogram.Bin> out = new ArrayList<>();
        for (int b = bins - 1; b >= 0; b--) {
            BigInteger from = info.price().multiply(BigInteger.valueOf((long) b * binBps)).divide(BigInteger.valueOf(10_000));
            BigInteger to = info.price().multiply(BigInteger.valueOf(Math.min(10_000L, (long) (b + 1) * binBps))).divide(BigInteger.valueOf(10_000));
            BigInteger held = collateral[b].value();
            out.add(new PriceHistogram.Bin(from, to, TotalsBuilder.usd(valuation, from), TotalsBuilder.usd(valuation, to), accounts[b], held,
                    TotalsBuilder.usd(valuation, held)));
        }
        return new PriceHistogram(info.symbol(), info.price(), TotalsBuilder.usd(valuation, info.price()), binBps, out);
    }
}
