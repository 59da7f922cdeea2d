package dev.margincall.protocol.aavev3.model;

import static dev.margincall.protocol.aavev3.model.WadRayMath.percentDiv;
import static dev.margincall.protocol.aavev3.model.WadRayMath.percentMul;
import static dev.margincall.protocol.aavev3.model.WadRayMath.rayMul;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * LiquidationLogic.executeLiquidationCall in token units, as a pure function of one block's state, under
 * the rules of the market's version. V3.0.2: the close factor (50 % above HF 0.95, 100 % at or below), eMode
 * bonus and price sources, and {@code _calculateAvailableCollateralToLiquidate} (collateral capped by the
 * account's balance, the debt reduced as the contract does, the protocol's share of the bonus). 3.6: see
 * {@link V36Liquidation}. Same rounding at every division as the contract, so the plan matches the
 * {@code LiquidationCall} event to the wei.
 */
public final class LiquidationMath {

    /** LiquidationLogic: above this health factor only half the debt may be covered. */
    static final BigInteger CLOSE_FACTOR_HF_THRESHOLD = new BigInteger("950000000000000000");
    static final BigInteger DEFAULT_CLOSE_FACTOR = BigInteger.valueOf(5_000);
    static final BigInteger MAX_CLOSE_FACTOR = BigInteger.valueOf(10_000);

    private LiquidationMath() {
    }

    /** Every (collateral, debt) pair the account can be liquidated on, covering as much debt as allowed. */
    public static List<LiquidationQuote> quotes(BlockContext block, Position position) {
        AccountData totals = AccountEvaluator.evaluate(block, position, null);
        List<LiquidationQuote> quotes = new ArrayList<>();
        if (!totals.liquidatable()) {
            return quotes;
        }
        int count = block.market.reservesCount();
        for (int debtId = 0; debtId < count; debtId++) {
            for (int collateralId = 0; collateralId < count; collateralId++) {
                LiquidationQuote quote = quote(block, position, totals, collateralId, debtId, WadRayMath.MAX_UINT256);
                if (quote != null) {
                    quotes.add(quote);
                }
            }
        }
        return quotes;
    }

    /**
     * The outcome of liquidating {@code requestedDebt} of reserve {@code debtId} against collateral
     * {@code collateralId}, or null when the pool would refuse (reserve inactive or paused, collateral
     * not enabled, no debt in that reserve; on 3.6 also a grace period, the sentinel, or no amount that
     * leaves no dust).
     */
    static LiquidationQuote quote(BlockContext block, Position position, AccountData totals, int collateralId, int debtId,
                                  BigInteger requestedDebt) {
        return block.market.rules() == AaveRules.V3_0
                ? quoteV30(block, position, totals.healthFactor(), collateralId, debtId, requestedDebt)
                : V36Liquidation.sized(block, position, totals, collateralId, debtId, requestedDebt);
    }

    /** LiquidationLogic.executeLiquidationCall of core-v3 1.19.3 (V3.0.2). */
    private static LiquidationQuote quoteV30(BlockContext block, Position position, BigInteger healthFactor, int collateralId, int debtId,
                                             BigInteger requestedDebt) {
        Reserve collateral = block.market.reservesById().get(collateralId);
        Reserve debt = block.market.reservesById().get(debtId);
        if (collateral == null || debt == null || !position.isUsingAsCollateral(collateralId) || !position.isBorrowing(debtId)
                || !usable(collateral.configuration()) || !usable(debt.configuration()) || collateral.configuration().liquidationThreshold() == 0
                || sentinelRefuses(block.market, healthFactor)) {
            return null;
        }
        Position.Balances debtBalances = position.balances(debtId);
        BigInteger variableDebt = debtBalances.scaledVariableDebt().signum() == 0 ? BigInteger.ZERO
                : rayMul(debtBalances.scaledVariableDebt(), block.debt[debtId]);
        BigInteger totalDebt = variableDebt.add(AccountEvaluator.stableDebt(debtBalances, block.timestamp));
        if (totalDebt.signum() == 0) {
            return null;
        }
        BigInteger closeFactor = healthFactor.compareTo(CLOSE_FACTOR_HF_THRESHOLD) > 0 ? DEFAULT_CLOSE_FACTOR : MAX_CLOSE_FACTOR;
        BigInteger debtToCover = requestedDebt.min(percentMul(totalDebt, closeFactor));

        int userEMode = position.eModeCategory();
        EModeCategory eMode = userEMode == 0 ? null : block.market.eModeCategories().get(userEMode);
        BigInteger eModePrice = eMode == null ? null : block.eModePrice.get(userEMode);
        boolean collateralInEMode = eMode != null && collateral.configuration().eModeCategory() == userEMode;
        int bonus = collateralInEMode ? eMode.liquidationBonus() : collateral.configuration().liquidationBonus();
        BigInteger collateralPrice = collateralInEMode && eModePrice != null ? eModePrice : block.price[collateralId];
        // LiquidationLogic: "when in eMode, debt will always be in the same eMode category"
        BigInteger debtPrice = eModePrice != null ? eModePrice : block.price[debtId];

        BigInteger collateralBalance = rayMul(position.balances(collateralId).scaledCollateral(), block.income[collateralId]);
        BigInteger collateralUnit = block.unit[collateralId];
        BigInteger debtUnit = block.unit[debtId];
        BigInteger bonusBps = BigInteger.valueOf(bonus);

        BigInteger baseCollateral = debtPrice.multiply(debtToCover).multiply(collateralUnit).divide(collateralPrice.multiply(debtUnit));
        BigInteger maxCollateral = percentMul(baseCollateral, bonusBps);
        BigInteger collateralAmount;
        BigInteger debtNeeded;
        if (maxCollateral.compareTo(collateralBalance) > 0) {
            collateralAmount = collateralBalance;
            debtNeeded = percentDiv(collateralPrice.multiply(collateralAmount).multiply(debtUnit).divide(debtPrice.multiply(collateralUnit)), bonusBps);
        } else {
            collateralAmount = maxCollateral;
            debtNeeded = debtToCover;
        }
        BigInteger protocolFee = BigInteger.ZERO;
        int feeBps = collateral.configuration().liquidationProtocolFee();
        if (feeBps != 0) {
            BigInteger bonusCollateral = collateralAmount.subtract(percentDiv(collateralAmount, bonusBps));
            protocolFee = percentMul(bonusCollateral, BigInteger.valueOf(feeBps));
        }
        return new LiquidationQuote(position.account(), collateral.asset(), debt.asset(), debtNeeded, collateralAmount.subtract(protocolFee),
                protocolFee, collateralPrice, debtPrice, collateral.configuration().decimals(), debt.configuration().decimals(), bonus, healthFactor);
    }

    /**
     * A price oracle sentinel that does not allow liquidations admits only accounts under HF 0.95
     * (ValidationLogic.validateLiquidationCall: core-v3 1.19.3 and aave-v3-origin 3.6 ValidationLogic.sol:323-328).
     */
    static boolean sentinelRefuses(Market market, BigInteger healthFactor) {
        return market.sentinelBlocksLiquidations() && healthFactor.compareTo(CLOSE_FACTOR_HF_THRESHOLD) >= 0;
    }

    private static boolean usable(ReserveConfiguration configuration) {
        return configuration.active() && !configuration.paused();
    }
}
