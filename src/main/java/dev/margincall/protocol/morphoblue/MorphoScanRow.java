package dev.margincall.protocol.morphoblue;

import dev.margincall.core.Address;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Morpho position in a scan, in the order and with the names of {@code scan --json}: {@code market} is the
 * Morpho market id; {@code collateral} and {@code debt} are token amounts as decimal strings (debt = what the
 * position owes with interest to the block, rounded up as Morpho does); {@code collateralUsd} and {@code debtUsd}
 * the same in US dollars (null when the USD source cannot price the loan token); the health factor is
 * {@code maxBorrow / borrowed} in wad; the safety margin the fall of the oracle price that makes it liquidatable.
 */
public record MorphoScanRow(String protocol, String market, Address account, BigInteger healthFactor, String collateral, String debt,
                            String collateralUsd, String debtUsd, boolean liquidatable, double safetyMarginPct, long block) {

    public static final String PROTOCOL = "morpho-blue";

    /** Every borrower position (collateral or debt) the monitor evaluated, lowest health factor first. */
    public static List<MorphoScanRow> of(MorphoBlueMonitor monitor, BigInteger unitsPerUsd) {
        List<MorphoScanRow> rows = new ArrayList<>();
        for (Map.Entry<MorphoBlueEvents.PositionTouched, PositionHealth> e : monitor.health().entrySet()) {
            MorphoBlueScan.ScannedMarket market = monitor.market(e.getKey().id()).orElseThrow();
            BigInteger collateral = monitor.positions().get(e.getKey()).collateral();
            PositionHealth health = e.getValue();
            if (collateral.signum() == 0 && health.borrowed().signum() == 0) {
                continue; // a lender only: nothing to liquidate
            }
            int collateralDecimals = monitor.decimals(market.params().collateralToken());
            int loanDecimals = monitor.decimals(market.params().loanToken());
            Optional<BigInteger> loanPrice = monitor.usdPrice(market.params().loanToken());
            String collateralUsd = loanPrice.map(p -> usd(collateral.multiply(MorphoBlueMarket.collateralPrice(market.price(), collateralDecimals,
                    loanDecimals, p)), collateralDecimals, unitsPerUsd)).orElse(null);
            String debtUsd = loanPrice.map(p -> usd(health.borrowed().multiply(p), loanDecimals, unitsPerUsd)).orElse(null);
            rows.add(new MorphoScanRow(PROTOCOL, market.id(), e.getKey().account(), health.healthFactor(), tokens(collateral, collateralDecimals),
                    tokens(health.borrowed(), loanDecimals), collateralUsd, debtUsd, health.liquidatable(), safetyMarginPct(health),
                    monitor.evaluatedBlock()));
        }
        rows.sort(Comparator.comparing(MorphoScanRow::healthFactor));
        return rows;
    }

    /**
     * The fall of the collateral's oracle price that brings {@code maxBorrow} down to {@code borrowed}: 1 − 1/HF (maxBorrow is
     * linear in the price), 0 when liquidatable, 100 without debt. Display only, in decimals.
     */
    static double safetyMarginPct(PositionHealth health) {
        if (health.borrowed().signum() == 0) {
            return 100;
        }
        if (health.liquidatable() || health.maxBorrow().signum() == 0) {
            return 0;
        }
        BigDecimal ratio = new BigDecimal(health.borrowed()).divide(new BigDecimal(health.maxBorrow()), 12, RoundingMode.HALF_UP);
        return BigDecimal.ONE.subtract(ratio).movePointRight(2).setScale(4, RoundingMode.DOWN).doubleValue();
    }

    private static String tokens(BigInteger amount, int decimals) {
        return new BigDecimal(amount).movePointLeft(decimals).stripTrailingZeros().toPlainString();
    }

    /** {@code value} is (token units × price per whole token); whole tokens are 10^decimals units. */
    private static String usd(BigInteger value, int decimals, BigInteger unitsPerUsd) {
        return new BigDecimal(value).movePointLeft(decimals).divide(new BigDecimal(unitsPerUsd), 2, RoundingMode.DOWN).toPlainString();
    }
}
