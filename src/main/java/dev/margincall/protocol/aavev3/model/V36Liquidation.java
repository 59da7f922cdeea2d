package dev.margincall.protocol.aavev3.model;

import static dev.margincall.core.Rounding.ceilDiv;
import static dev.margincall.protocol.aavev3.model.WadRayMath.PERCENTAGE_FACTOR;
import static dev.margincall.protocol.aavev3.model.WadRayMath.percentDiv;
import static dev.margincall.protocol.aavev3.model.WadRayMath.percentMul;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * LiquidationLogic.executeLiquidationCall of aave-v3-origin 3.6
 * ({@code src/contracts/protocol/libraries/logic/LiquidationLogic.sol}, cited by line), in token units:
 * <ul>
 * <li>the close factor is 100 % of the reserve's debt; 50 % of the account's <em>total</em> debt (in base units)
 * only when HF &gt; 0.95 and the account's collateral and debt in the two reserves are each worth at least
 * {@code MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD} (l.256-276);</li>
 * <li>a liquidation must clear the reserve's debt, take all of the collateral, or leave at least
 * {@code MIN_LEFTOVER_BASE} of both, else it reverts {@code MustNotLeaveDust} (l.298-324): {@link #sized} then
 * asks for the largest amount that leaves no dust;</li>
 * <li>the debt needed for all the collateral rounds up ({@code percentDivCeil}, l.587-590);</li>
 * <li>taking the last collateral writes the rest of the account's debt off as deficits (l.340-352, 416-421,
 * _burnDebtTokens l.514-519, _burnBadDebt l.626-666);</li>
 * <li>no liquidation in a reserve's grace period, none of the liquidator itself (ValidationLogic.sol:309, 330-334).</li>
 * </ul>
 * The base-currency thresholds assume Aave's USD base with 8 decimals, as the contract's constants do.
 */
final class V36Liquidation {

    static final BigInteger MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = BigInteger.valueOf(2_000).multiply(BigInteger.TEN.pow(8));
    static final BigInteger MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD.shiftRight(1);
    private static final BigInteger CLOSE_FACTOR_HF_THRESHOLD = LiquidationMath.CLOSE_FACTOR_HF_THRESHOLD;
    private static final BigInteger DEFAULT_CLOSE_FACTOR = LiquidationMath.DEFAULT_CLOSE_FACTOR;
    /**
     * When a quote clears the reserve's debt or takes all the collateral, it asks for this much more (1 bp):
     * a block or two later interest has grown the debt (and the collateral), and asking for exactly the
     * planned amount would then leave a few wei of dust, which 3.3+ refuses. The Pool never takes more
     * than it computes, so the extra request costs nothing but a flash loan's premium on 1 bp.
     */
    private static final BigInteger HEADROOM_BPS = BigInteger.ONE;

    private V36Liquidation() {
    }

    /**
     * The liquidation of up to {@code requestedDebt}, reduced when needed to the largest amount the Pool
     * accepts without {@code MustNotLeaveDust}; null when it accepts none.
     */
    static LiquidationQuote sized(BlockContext block, Position position, AccountData totals, int collateralId, int debtId,
                                  BigInteger requestedDebt) {
        Outcome full = exact(block, position, totals, collateralId, debtId, requestedDebt);
        if (full == null) {
            return null;
        }
        if (!full.leavesDust) {
            return full.quote(requestedDebt);
        }
        // Every smaller amount leaves more of both behind, so the accepted amounts are 1..d*: find d*.
        BigInteger low = BigInteger.ZERO;
        BigInteger high = full.debtRepaid;
        while (high.subtract(low).compareTo(BigInteger.ONE) > 0) {
            BigInteger middle = low.add(high).shiftRight(1);
            Outcome outcome = exact(block, position, totals, collateralId, debtId, middle);
            if (outcome.leavesDust) {
                high = middle;
            } else {
                low = middle;
            }
        }
        if (low.signum() == 0) {
            return null;
        }
        Outcome outcome = exact(block, position, totals, collateralId, debtId, low);
        return outcome.leavesDust ? null : outcome.quote(low);
    }

    /** What the Pool computes for {@code debtToCover}, or null when it refuses the pair outright. */
    private static Outcome exact(BlockContext block, Position position, AccountData totals, int collateralId, int debtId,
                                 BigInteger debtToCover) {
        Market market = block.market;
        AaveRules rules = market.rules();
        Reserve collateral = market.reservesById().get(collateralId);
        Reserve debt = market.reservesById().get(debtId);
        BigInteger healthFactor = totals.healthFactor();
        if (collateral == null || debt == null || !position.isUsingAsCollateral(collateralId) || !position.isBorrowing(debtId)
                || !usable(collateral) || !usable(debt) || LiquidationMath.sentinelRefuses(market, healthFactor)
                || collateral.inLiquidationGracePeriod(block.timestamp) || debt.inLiquidationGracePeriod(block.timestamp)) {
            return null;
        }
        BigInteger reserveDebt = rules.vTokenBalance(position.balances(debtId).scaledVariableDebt(), block.debt[debtId]); // l.206-208
        if (reserveDebt.signum() == 0) {
            return null; // SpecifiedCurrencyNotBorrowedByUser
        }
        BigInteger scaledCollateral = position.balances(collateralId).scaledCollateral();
        BigInteger collateralBalance = rules.aTokenBalance(scaledCollateral, block.income[collateralId]); // l.203-205
        EModeCategory eMode = position.eModeCategory() == 0 ? null : market.eModeCategories().get(position.eModeCategory());
        int bonus = eMode != null && eMode.coversCollateral(collateral)
                ? eMode.liquidationBonus() : collateral.configuration().liquidationBonus(); // l.224-237
        BigInteger collateralPrice = block.price[collateralId];
        BigInteger debtPrice = block.price[debtId];
        BigInteger collateralUnit = block.unit[collateralId];
        BigInteger debtUnit = block.unit[debtId];

        BigInteger reserveDebtBase = ceilDiv(reserveDebt.multiply(debtPrice), debtUnit); // l.245-249
        BigInteger reserveCollateralBase = collateralBalance.multiply(collateralPrice).divide(collateralUnit); // l.252-254
        BigInteger maxLiquidatableDebt = reserveDebt;
        if (reserveCollateralBase.compareTo(MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD) >= 0
                && reserveDebtBase.compareTo(MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD) >= 0
                && healthFactor.compareTo(CLOSE_FACTOR_HF_THRESHOLD) > 0) { // l.260-264
            BigInteger halfOfTotalDebtBase = percentMul(totals.totalDebtBase(), DEFAULT_CLOSE_FACTOR);
            if (reserveDebtBase.compareTo(halfOfTotalDebtBase) > 0) {
                maxLiquidatableDebt = halfOfTotalDebtBase.multiply(debtUnit).divide(debtPrice); // l.271-275
            }
        }
        BigInteger actualDebt = debtToCover.min(maxLiquidatableDebt);

        // _calculateAvailableCollateralToLiquidate, l.563-614
        BigInteger bonusBps = BigInteger.valueOf(bonus);
        BigInteger baseCollateral = debtPrice.multiply(actualDebt).multiply(collateralUnit).divide(collateralPrice.multiply(debtUnit));
        BigInteger maxCollateral = percentMul(baseCollateral, bonusBps);
        BigInteger collateralAmount;
        if (maxCollateral.compareTo(collateralBalance) > 0) {
            collateralAmount = collateralBalance;
            BigInteger value = collateralPrice.multiply(collateralAmount).multiply(debtUnit).divide(debtPrice.multiply(collateralUnit));
            actualDebt = ceilDiv(value.multiply(PERCENTAGE_FACTOR), bonusBps); // percentDivCeil
        } else {
            collateralAmount = maxCollateral;
        }
        BigInteger collateralToLiquidateBase = collateralAmount.multiply(collateralPrice).divide(collateralUnit);
        BigInteger protocolFee = BigInteger.ZERO;
        int feeBps = collateral.configuration().liquidationProtocolFee();
        if (feeBps != 0) {
            if (bonus == 0) {
                return null; // percentDiv by a zero bonus reverts (PercentageMath.sol:84): a collateral without threshold has none
            }
            BigInteger bonusCollateral = collateralAmount.subtract(percentDiv(collateralAmount, bonusBps));
            protocolFee = percentMul(bonusCollateral, BigInteger.valueOf(feeBps));
            collateralAmount = collateralAmount.subtract(protocolFee);
        }

        boolean clearsDebt = actualDebt.compareTo(reserveDebt) >= 0;
        boolean takesAllCollateral = collateralAmount.add(protocolFee).compareTo(collateralBalance) >= 0;
        boolean leavesDust = false;
        if (!clearsDebt && !takesAllCollateral) { // l.302-324
            BigInteger debtLeft = ceilDiv(reserveDebt.subtract(actualDebt).multiply(debtPrice), debtUnit);
            BigInteger collateralLeft = collateralBalance.subtract(collateralAmount).subtract(protocolFee).multiply(collateralPrice).divide(collateralUnit);
            leavesDust = debtLeft.compareTo(MIN_LEFTOVER_BASE) < 0 || collateralLeft.compareTo(MIN_LEFTOVER_BASE) < 0;
        }
        protocolFee = feeWithinBalance(scaledCollateral, collateralAmount, protocolFee, block.income[collateralId]);

        List<LiquidationQuote.Deficit> deficits = new ArrayList<>();
        if (totals.totalCollateralBase().equals(collateralToLiquidateBase)) { // hasNoCollateralLeft, l.340-341
            BigInteger outstanding = reserveDebt.subtract(actualDebt);
            if (outstanding.signum() > 0) {
                deficits.add(new LiquidationQuote.Deficit(debt.asset(), outstanding));
            }
            deficits.addAll(otherDebtsBurned(block, position, debtId));
        }
        LiquidationQuote quote = new LiquidationQuote(position.account(), collateral.asset(), debt.asset(), actualDebt, collateralAmount,
                protocolFee, collateralPrice, debtPrice, collateral.configuration().decimals(), debt.configuration().decimals(), bonus,
                healthFactor, actualDebt, deficits);
        return new Outcome(quote, actualDebt, clearsDebt || takesAllCollateral, leavesDust);
    }

    /**
     * The fee the treasury actually gets: when the aTokens left after the liquidator's share are fewer
     * (by the rounding of scaled amounts) than the fee, the rest of the balance (l.392-406). The liquidator's
     * collateral is burned with getATokenBurnScaledAmount (rayDivCeil, l.447-449, TokenMath.sol:38-43) and the
     * fee moved with getATokenTransferScaledAmount (rayDivCeil).
     */
    private static BigInteger feeWithinBalance(BigInteger scaledCollateral, BigInteger collateralToLiquidator, BigInteger fee,
                                               BigInteger liquidityIndex) {
        if (fee.signum() == 0) {
            return fee;
        }
        BigInteger ray = WadRayMath.RAY;
        BigInteger scaledLeft = scaledCollateral.subtract(ceilDiv(collateralToLiquidator.multiply(ray), liquidityIndex));
        BigInteger scaledFee = ceilDiv(fee.multiply(ray), liquidityIndex);
        return scaledFee.compareTo(scaledLeft) > 0 ? scaledLeft.multiply(liquidityIndex).divide(ray) : fee;
    }

    /** _burnBadDebt: every other active reserve the account borrows, burned in full into its deficit (l.626-666, 514-519). */
    private static List<LiquidationQuote.Deficit> otherDebtsBurned(BlockContext block, Position position, int liquidatedDebtId) {
        List<LiquidationQuote.Deficit> deficits = new ArrayList<>();
        for (int id = 0; id < block.market.reservesCount(); id++) {
            Reserve reserve = block.market.reservesById().get(id);
            if (id == liquidatedDebtId || reserve == null || !position.isBorrowing(id) || !reserve.configuration().active()) {
                continue;
            }
            BigInteger amount = block.market.rules().vTokenBalance(position.balances(id).scaledVariableDebt(), block.debt[id]);
            if (amount.signum() > 0) {
                deficits.add(new LiquidationQuote.Deficit(reserve.asset(), amount));
            }
        }
        return deficits;
    }

    private static boolean usable(Reserve reserve) {
        return reserve.configuration().active() && !reserve.configuration().paused();
    }

    /** One exact computation: the quote, and what the dust rule and the request headroom need to know. */
    private record Outcome(LiquidationQuote quote, BigInteger debtRepaid, boolean closesALine, boolean leavesDust) {

        /** The quote, asking for 1 bp more than it repays when it clears the debt or takes all the collateral. */
        LiquidationQuote quote(BigInteger requested) {
            if (!closesALine) {
                return quote;
            }
            BigInteger withHeadroom = ceilDiv(debtRepaid.multiply(PERCENTAGE_FACTOR.add(HEADROOM_BPS)), PERCENTAGE_FACTOR).add(BigInteger.ONE);
            BigInteger ask = requested.min(withHeadroom).max(debtRepaid);
            return new LiquidationQuote(quote.account(), quote.collateralAsset(), quote.debtAsset(), quote.debtToCover(),
                    quote.collateralToLiquidator(), quote.protocolFee(), quote.collateralPrice(), quote.debtPrice(), quote.collateralDecimals(),
                    quote.debtDecimals(), quote.liquidationBonus(), quote.healthFactor(), ask, quote.deficits());
        }
    }
}
