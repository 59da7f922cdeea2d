package dev.margincall.protocol.aavev3.model;

import static dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GenericLogic.calculateUserAccountData, as a pure function of the market (with its version's rules), the
 * oracle prices, the position and the block timestamp. Equal to {@code Pool.getUserAccountData} to the wei, on
 * V3.0.2 and on aave-v3-origin 3.6.
 */
public final class AccountEvaluator {

    private static final AccountData EMPTY = new AccountData(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
            BigInteger.ZERO, MAX_UINT256);

    private AccountEvaluator() {
    }

    /** @param prices the oracle's {@code getAssetPrice} of every reserve asset and every eMode price source */
    public static AccountData evaluate(Market market, Map<Address, BigInteger> prices, Position position, long timestamp) {
        return evaluate(new BlockContext(market, prices, timestamp), position, null);
    }

    /** The account data and, per reserve the account uses, the collateral and debt that make it up. */
    public static AccountBreakdown breakdown(Market market, Map<Address, BigInteger> prices, Position position, long timestamp) {
        return breakdown(new BlockContext(market, prices, timestamp), position);
    }

    public static AccountBreakdown breakdown(BlockContext block, Position position) {
        List<AccountBreakdown.Line> lines = new ArrayList<>();
        AccountData totals = evaluate(block, position, lines);
        return new AccountBreakdown(totals, lines);
    }

    /** The hot path: totals only when {@code lines} is null (one block's shared values precomputed in {@code block}). */
    public static AccountData evaluate(BlockContext block, Position position, List<AccountBreakdown.Line> lines) {
        if (position.isEmpty()) {
            return EMPTY;
        }
        return block.market.rules() == AaveRules.V3_0 ? evaluateV30(block, position, lines) : evaluateV36(block, position, lines);
    }

    /** GenericLogic.calculateUserAccountData of core-v3 1.19.3 (V3.0.2). */
    private static AccountData evaluateV30(BlockContext block, Position position, List<AccountBreakdown.Line> lines) {
        Market market = block.market;
        int userEMode = position.eModeCategory();
        EModeCategory eMode = userEMode == 0 ? null : market.eModeCategories().get(userEMode);
        BigInteger eModePrice = eMode == null ? null : block.eModePrice.get(userEMode);

        BigInteger totalCollateral = BigInteger.ZERO;
        BigInteger totalDebt = BigInteger.ZERO;
        BigInteger weightedLtv = BigInteger.ZERO;
        BigInteger weightedThreshold = BigInteger.ZERO;
        for (int id = 0; id < market.reservesCount(); id++) {
            boolean collateral = position.isUsingAsCollateral(id);
            boolean borrowing = position.isBorrowing(id);
            if (!collateral && !borrowing) {
                continue;
            }
            Reserve reserve = market.reservesById().get(id);
            if (reserve == null) {
                continue;
            }
            ReserveConfiguration config = reserve.configuration();
            boolean inEMode = userEMode != 0 && userEMode == config.eModeCategory();
            BigInteger assetPrice = eModePrice != null && inEMode ? eModePrice : block.price[id];
            Position.Balances balances = position.balances(id);

            BigInteger lineCollateral = BigInteger.ZERO;
            BigInteger lineDebt = BigInteger.ZERO;
            BigInteger collateralUnits = BigInteger.ZERO;
            BigInteger variableDebt = BigInteger.ZERO;
            int lineThreshold = inEMode ? eMode.liquidationThreshold() : config.liquidationThreshold();
            if (config.liquidationThreshold() != 0 && collateral) {
                collateralUnits = WadRayMath.rayMul(balances.scaledCollateral(), block.income[id]);
                lineCollateral = WordQuotient.floor(collateralUnits, assetPrice, config.decimals());
                totalCollateral = totalCollateral.add(lineCollateral);
                if (config.ltv() != 0) {
                    weightedLtv = weightedLtv.add(lineCollateral.multiply(BigInteger.valueOf(inEMode ? eMode.ltv() : config.ltv())));
                }
                weightedThreshold = weightedThreshold.add(lineCollateral.multiply(BigInteger.valueOf(lineThreshold)));
            }
            if (borrowing) {
                variableDebt = balances.scaledVariableDebt().signum() == 0 ? BigInteger.ZERO
                        : WadRayMath.rayMul(balances.scaledVariableDebt(), block.debt[id]);
                BigInteger debt = variableDebt.add(stableDebt(balances, block.timestamp));
                lineDebt = WordQuotient.floor(assetPrice, debt, config.decimals());
                totalDebt = totalDebt.add(lineDebt);
            }
            if (lines != null) {
                lines.add(new AccountBreakdown.Line(id, reserve.asset(), assetPrice, lineCollateral, lineDebt, lineThreshold,
                        inEMode ? eMode.liquidationBonus() : config.liquidationBonus(), config.liquidationProtocolFee(),
                        collateralUnits, variableDebt));
            }
        }
        BigInteger ltv = totalCollateral.signum() == 0 ? BigInteger.ZERO : WordQuotient.divide(weightedLtv, totalCollateral);
        BigInteger threshold = totalCollateral.signum() == 0 ? BigInteger.ZERO : WordQuotient.divide(weightedThreshold, totalCollateral);
        BigInteger healthFactor = totalDebt.signum() == 0 ? MAX_UINT256
                : WadRayMath.wadDiv(WadRayMath.percentMul(totalCollateral, threshold), totalDebt);
        BigInteger borrowable = WadRayMath.percentMul(totalCollateral, ltv);
        BigInteger available = borrowable.compareTo(totalDebt) < 0 ? BigInteger.ZERO : borrowable.subtract(totalDebt);
        return new AccountData(totalCollateral, totalDebt, available, threshold, ltv, healthFactor);
    }

    /**
     * GenericLogic.calculateUserAccountData of aave-v3-origin 3.6 (GenericLogic.sol:66-183) and
     * PoolLogic.executeGetUserAccountData (PoolLogic.sol:195-226). What differs from 3.0: every collateral
     * the user enabled counts, even at threshold 0 (l.105); balances and values round in the protocol's
     * favour (l.229, 248-256; TokenMath); eMode parameters by the category's bitmaps, no eMode price (l.126-133,
     * ValidationLogic.getUserReserveLtv); HF = wadDiv(Σ value × threshold, debt) / 10,000 with no averaged
     * threshold in between (l.162-164); available borrows with percentMulFloor (l.198).
     */
    private static AccountData evaluateV36(BlockContext block, Position position, List<AccountBreakdown.Line> lines) {
        Market market = block.market;
        AaveRules rules = market.rules();
        int userEMode = position.eModeCategory();
        EModeCategory eMode = userEMode == 0 ? null : market.eModeCategories().get(userEMode);

        BigInteger totalCollateral = BigInteger.ZERO;
        BigInteger totalDebt = BigInteger.ZERO;
        BigInteger weightedLtv = BigInteger.ZERO;
        BigInteger weightedThreshold = BigInteger.ZERO;
        for (int id = 0; id < market.reservesCount(); id++) {
            boolean collateral = position.isUsingAsCollateral(id);
            boolean borrowing = position.isBorrowing(id);
            if (!collateral && !borrowing) {
                continue;
            }
            Reserve reserve = market.reservesById().get(id);
            if (reserve == null) {
                continue;
            }
            ReserveConfiguration config = reserve.configuration();
            boolean inEMode = eMode != null && eMode.coversCollateral(reserve);
            BigInteger price = block.price[id];
            Position.Balances balances = position.balances(id);

            BigInteger lineCollateral = BigInteger.ZERO;
            BigInteger lineDebt = BigInteger.ZERO;
            BigInteger collateralUnits = BigInteger.ZERO;
            BigInteger variableDebt = BigInteger.ZERO;
            int lineThreshold = inEMode ? eMode.liquidationThreshold() : config.liquidationThreshold();
            if (collateral) {
                collateralUnits = rules.aTokenBalance(balances.scaledCollateral(), block.income[id]);
                lineCollateral = WordQuotient.floor(collateralUnits, price, config.decimals());
                totalCollateral = totalCollateral.add(lineCollateral);
                int ltv = eMode == null ? config.ltv() : eMode.ltvOf(reserve);
                weightedLtv = weightedLtv.add(lineCollateral.multiply(BigInteger.valueOf(ltv)));
                weightedThreshold = weightedThreshold.add(lineCollateral.multiply(BigInteger.valueOf(lineThreshold)));
            }
            if (borrowing) {
                variableDebt = rules.vTokenBalance(balances.scaledVariableDebt(), block.debt[id]);
                lineDebt = rules.debtValue(variableDebt, price, config.decimals());
                totalDebt = totalDebt.add(lineDebt);
            }
            if (lines != null) {
                lines.add(new AccountBreakdown.Line(id, reserve.asset(), price, lineCollateral, lineDebt, lineThreshold,
                        inEMode ? eMode.liquidationBonus() : config.liquidationBonus(), config.liquidationProtocolFee(),
                        collateralUnits, variableDebt));
            }
        }
        BigInteger healthFactor = totalDebt.signum() == 0 ? MAX_UINT256
                : WadRayMath.wadDiv(weightedThreshold, totalDebt).divide(WadRayMath.PERCENTAGE_FACTOR);
        BigInteger ltv = totalCollateral.signum() == 0 ? BigInteger.ZERO : WordQuotient.divide(weightedLtv, totalCollateral);
        BigInteger threshold = totalCollateral.signum() == 0 ? BigInteger.ZERO : WordQuotient.divide(weightedThreshold, totalCollateral);
        BigInteger borrowable = totalCollateral.multiply(ltv).divide(WadRayMath.PERCENTAGE_FACTOR);
        BigInteger available = borrowable.compareTo(totalDebt) <= 0 ? BigInteger.ZERO : borrowable.subtract(totalDebt);
        return new AccountData(totalCollateral, totalDebt, available, threshold, ltv, healthFactor);
    }

    /** StableDebtToken.balanceOf: principal compounded at the user's stable rate since their last update. */
    static BigInteger stableDebt(Position.Balances balances, long timestamp) {
        if (balances.stablePrincipal().signum() == 0) {
            return BigInteger.ZERO;
        }
        return WadRayMath.rayMul(balances.stablePrincipal(),
                InterestMath.compounded(balances.stableRate(), balances.stableLastUpdate(), timestamp));
    }
}
