package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * An account's most rewarding liquidation, valued in the base currency, for ranking accounts. It is a
 * view of a {@link LiquidationQuote} from {@link LiquidationMath}, the one liquidation rule (close factor,
 * bonus, collateral cap, protocol fee): the exact token amounts, swap and gas costs are the strategy's job.
 *
 * @param debtToCoverBase       the debt repaid, valued at the oracle price (rounded up)
 * @param collateralSeizedBase  the collateral the liquidator receives, protocol fee excluded (rounded down)
 * @param expectedProfitBase    the difference: the bonus left to the liquidator, before swap and gas
 */
public record LiquidationCandidate(Address account, Address collateralAsset, Address debtAsset, BigInteger debtToCoverBase,
                                   BigInteger collateralSeizedBase, BigInteger expectedProfitBase, BigInteger healthFactor) {

    static LiquidationCandidate of(LiquidationQuote quote) {
        BigInteger debt = quote.debtValue();
        BigInteger collateral = quote.collateralValue();
        return new LiquidationCandidate(quote.account(), quote.collateralAsset(), quote.debtAsset(), debt, collateral, collateral.subtract(debt),
                quote.healthFactor());
    }
}
