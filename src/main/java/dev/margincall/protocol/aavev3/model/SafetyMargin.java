package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * How far an account is from liquidation, per collateral asset: the fall of that asset's price alone
 * (others unchanged) that brings the health factor to 1, and the price at which that happens.
 * Display data for scans and risk reports: computed in decimals, not used to decide anything on chain.
 *
 * <p>The health factor is linear in one asset's price p: HF(p) = (N − N_c·x) / (10⁴·(D − D_c·x)) with
 * x the relative fall, N = Σ collateral·threshold, D = Σ debt, and N_c, D_c that asset's shares (an
 * asset can be both collateral and debt). HF = 1 at x = (N − 10⁴·D) / (N_c − 10⁴·D_c).
 */
public record SafetyMargin(double marginPct, List<AssetMargin> assets) {

    /** {@code dropPct} 100 means no fall of this price alone can liquidate the account. */
    public record AssetMargin(Address asset, double dropPct, BigInteger liquidationPrice) {
    }

    private static final BigDecimal BPS = BigDecimal.valueOf(10_000);

    public static SafetyMargin of(AccountBreakdown breakdown) {
        AccountData totals = breakdown.totals();
        if (totals.totalDebtBase().signum() == 0) {
            return new SafetyMargin(100, List.of());
        }
        BigDecimal weighted = BigDecimal.ZERO;
        for (AccountBreakdown.Line line : breakdown.lines()) {
            weighted = weighted.add(new BigDecimal(line.collateralBase()).multiply(BigDecimal.valueOf(line.liquidationThreshold())));
        }
        BigDecimal surplus = weighted.subtract(BPS.multiply(new BigDecimal(totals.totalDebtBase())));
        List<AssetMargin> assets = new ArrayList<>();
        double smallest = 100;
        for (AccountBreakdown.Line line : breakdown.lines()) {
            if (line.collateralBase().signum() == 0) {
                continue;
            }
            BigDecimal share = new BigDecimal(line.collateralBase()).multiply(BigDecimal.valueOf(line.liquidationThreshold()))
                    .subtract(BPS.multiply(new BigDecimal(line.debtBase())));
            double drop;
            if (totals.liquidatable()) {
                drop = 0;
            } else if (share.signum() <= 0) {
                drop = 100;
            } else {
                drop = Math.min(1, Math.max(0, surplus.divide(share, MathContext.DECIMAL64).doubleValue())) * 100;
            }
            BigInteger liquidationPrice = drop >= 100 ? BigInteger.ZERO
                    : new BigDecimal(line.price()).multiply(BigDecimal.valueOf(1 - drop / 100)).toBigInteger();
            assets.add(new AssetMargin(line.asset(), drop, liquidationPrice));
            smallest = Math.min(smallest, drop);
        }
        return new SafetyMargin(totals.liquidatable() ? 0 : smallest, assets);
    }
}
