package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The most rewarding liquidation of an account, by Aave V3.0.2's rules, in the base currency: over every
 * (collateral, debt) pair, the debt coverable under the close factor (50 % while HF > 0.95, 100 % at or
 * below), the collateral that buys with the bonus (capped by what the account has, reducing the debt as
 * the contract does), minus the protocol's share of the bonus. Ranking data: the exact token amounts,
 * swap and gas costs are the strategy's job.
 */
public record LiquidationCandidate(Address account, Address collateralAsset, Address debtAsset, BigInteger debtToCoverBase,
                                   BigInteger collateralSeizedBase, BigInteger expectedProfitBase, BigInteger healthFactor) {

    /** LiquidationLogic: above this health factor only half the debt may be covered. */
    static final BigInteger CLOSE_FACTOR_HF_THRESHOLD = new BigInteger("950000000000000000");
    static final BigInteger DEFAULT_CLOSE_FACTOR = BigInteger.valueOf(5_000);
    static final BigInteger MAX_CLOSE_FACTOR = BigInteger.valueOf(10_000);

    public static Optional<LiquidationCandidate> best(Address account, AccountBreakdown breakdown) {
        AccountData totals = breakdown.totals();
        if (!totals.liquidatable()) {
            return Optional.empty();
        }
        BigInteger closeFactor = totals.healthFactor().compareTo(CLOSE_FACTOR_HF_THRESHOLD) > 0 ? DEFAULT_CLOSE_FACTOR : MAX_CLOSE_FACTOR;
        LiquidationCandidate best = null;
        for (AccountBreakdown.Line debt : breakdown.lines()) {
            if (debt.debtBase().signum() == 0) {
                continue;
            }
            BigInteger coverable = WadRayMath.percentMul(debt.debtBase(), closeFactor);
            for (AccountBreakdown.Line collateral : breakdown.lines()) {
                if (collateral.collateralBase().signum() == 0) {
                    continue;
                }
                BigInteger bonus = BigInteger.valueOf(collateral.liquidationBonus());
                BigInteger seized = WadRayMath.percentMul(coverable, bonus);
                BigInteger covered = coverable;
                if (seized.compareTo(collateral.collateralBase()) > 0) {
                    seized = collateral.collateralBase();
                    covered = WadRayMath.percentDiv(seized, bonus);
                }
                BigInteger bonusPart = seized.subtract(WadRayMath.percentDiv(seized, bonus));
                BigInteger protocolShare = WadRayMath.percentMul(bonusPart, BigInteger.valueOf(collateral.liquidationProtocolFee()));
                BigInteger profit = seized.subtract(protocolShare).subtract(covered);
                if (best == null || profit.compareTo(best.expectedProfitBase()) > 0) {
                    best = new LiquidationCandidate(account, collateral.asset(), debt.asset(), covered, seized.subtract(protocolShare), profit,
                            totals.healthFactor());
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
