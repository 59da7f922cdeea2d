package dev.margincall.protocol.aavev3.model;

import static dev.margincall.protocol.aavev3.model.PackedPosition.BORROWING;
import static dev.margincall.protocol.aavev3.model.PackedPosition.COLLATERAL;
import static dev.margincall.protocol.aavev3.model.PackedPosition.COLLATERAL_VALUE;
import static dev.margincall.protocol.aavev3.model.PackedPosition.DEBT_VALUE;
import static dev.margincall.protocol.aavev3.model.PackedPosition.RESERVE_MASK;
import static dev.margincall.protocol.aavev3.model.PackedPosition.STRIDE;

import java.math.BigInteger;

/**
 * {@link AccountEvaluator#evaluate} on 64-bit words, without allocation: the same operations in the same
 * order, each division rounding as the contract's (every ⌊(a × b + c) / d⌋ is exact, see {@link WideMath}),
 * so the six values are bit-for-bit the reference's — not an approximation to be re-checked near HF = 1.
 *
 * <p>Bounds, all checked (the account then goes to the BigInteger reference, {@code evaluate} returns false):
 * scaled balances, indexes and prices &lt; 2^128 and token decimals ≤ 27 (checked once, when a position
 * is packed or a block prepared); each rayMul result &lt; 2^128; each line's value in the base currency,
 * and the account's total collateral and total debt, &lt; 2^63 (9.2 × 10^18: $92 billion with Aave's 8-decimal
 * USD base). From these: Σ value × LTV or threshold &lt; 2^63 · 2^16 · 2^16 lines &lt; 2^95; the averages are
 * &lt; 2^16; percentMul(total, threshold) &lt; 2^63 · 2^16 / 10^4 &lt; 2^66, times WAD &lt; 2^126 — all within the
 * 128-bit operands and quotients {@link WideMath} takes, and checked anyway.
 *
 * <p>One instance per thread (it keeps the registers of its arithmetic).
 */
final class FastAccountEvaluator {

    /**
     * Words per account in a results array: total collateral, total debt, LTV, threshold, HF (hi, lo).
     * Available borrows are derived from the first three when asked for ({@link #accountData}).
     */
    static final int WORDS = 6;
    static final int TOTAL_COLLATERAL = 0;
    static final int TOTAL_DEBT = 1;
    static final int LTV = 2;
    static final int THRESHOLD = 3;
    static final int HEALTH_FACTOR_HI = 4;
    static final int HEALTH_FACTOR_LO = 5;

    private static final long WAD = WadRayMath.WAD.longValueExact();
    private static final long HALF_RAY_HI = WideMath.high(WadRayMath.HALF_RAY);
    private static final long HALF_RAY_LO = WideMath.low(WadRayMath.HALF_RAY);
    private static final long RAY_MINUS_ONE_HI = WideMath.high(WadRayMath.RAY.subtract(BigInteger.ONE));
    private static final long RAY_MINUS_ONE_LO = WideMath.low(WadRayMath.RAY.subtract(BigInteger.ONE));
    private static final long HALF_PERCENT = WadRayMath.HALF_PERCENTAGE_FACTOR.longValueExact();
    private static final long PERCENTAGE_FACTOR = WadRayMath.PERCENTAGE_FACTOR.longValueExact();
    /** Below this, total collateral × a 16-bit threshold + 5,000 fits a long. */
    private static final long SMALL_COLLATERAL = 1L << 47;
    private static final Divisor RAY = Divisor.powerOfTen(27);
    private static final Divisor PERCENT = Divisor.powerOfTen(4);

    private final WideMath math = new WideMath();
    private final Divisor byDebt = new Divisor();

    /**
     * Evaluates a packed position at a block and writes the values at {@code results[at..at + WORDS)}.
     * Each line's collateral and debt value is recomputed when its reserve is in {@code moved} (every line
     * when {@code moved} is null) and stored in the packed position; the other lines reuse the values stored
     * by the last evaluation — the caller guarantees nothing else they depend on changed since.
     *
     * @return false, with no result written, when an input or an intermediate value is outside the bounds
     *         above (the stored line values are then incomplete: evaluate every line next time)
     */
    boolean evaluate(PrimitiveBlock block, long[] lines, int eMode, long[] results, int at, boolean[] moved) {
        boolean hasEMode = eMode != 0;
        if (hasEMode && (eMode < 0 || eMode >= PrimitiveBlock.EMODE_CATEGORIES || !block.eModeKnown[eMode] || block.eModeUnusable[eMode])) {
            return false;
        }
        long totalCollateral = 0;
        long totalDebt = 0;
        long ltvHi = 0;
        long ltvLo = 0;
        long thresholdHi = 0;
        long thresholdLo = 0;
        for (int k = 0; k < lines.length; k += STRIDE) {
            int flags = (int) lines[k];
            int id = flags & RESERVE_MASK;
            if (id >= block.reserveCount || block.absent[id]) {
                continue;
            }
            if (!block.usable[id]) {
                return false;
            }
            boolean inEMode = hasEMode && (block.v36 ? block.inEModeCollateral(eMode, id) : eMode == block.eModeCategory[id]);
            boolean recompute = moved == null || moved[id];
            if (recompute && !lineValues(block, lines, k, id, eMode, inEMode)) {
                return false;
            }
            // 3.0 counts a collateral only with a threshold; 3.6 counts every enabled one (GenericLogic.sol:105)
            if ((flags & COLLATERAL) != 0 && (block.v36 || block.threshold[id] != 0)) {
                long value = lines[k + COLLATERAL_VALUE];
                totalCollateral += value;
                if (totalCollateral < 0) {
                    return false;
                }
                long ltvWeight = !inEMode ? block.ltv[id] : block.v36 && block.eModeLtvZero(eMode, id) ? 0 : block.eModeLtv[eMode];
                if (block.ltv[id] != 0 || block.v36) {
                    long lo = ltvLo + value * ltvWeight;
                    ltvHi += Math.multiplyHigh(value, ltvWeight) + (Long.compareUnsigned(lo, ltvLo) < 0 ? 1 : 0);
                    ltvLo = lo;
                }
                long weight = inEMode ? block.eModeThreshold[eMode] : block.threshold[id];
                long lo = thresholdLo + value * weight;
                thresholdHi += Math.multiplyHigh(value, weight) + (Long.compareUnsigned(lo, thresholdLo) < 0 ? 1 : 0);
                thresholdLo = lo;
            }
            totalDebt += lines[k + DEBT_VALUE];
            if (totalDebt < 0) {
                return false;
            }
        }
        long ltv = 0;
        long threshold = 0;
        if (totalCollateral != 0) {
            ltv = average(ltvHi, ltvLo, totalCollateral);
            threshold = average(thresholdHi, thresholdLo, totalCollateral);
            if (ltv < 0 || threshold < 0) {
                return false;
            }
        }
        long healthFactorHi = -1;
        long healthFactorLo = -1;
        if (totalDebt != 0) {
            if (!(block.v36 ? healthFactorV36(thresholdHi, thresholdLo, totalDebt) : healthFactor(totalCollateral, threshold, totalDebt))) {
                return false;
            }
            healthFactorHi = math.hi;
            healthFactorLo = math.lo;
        }
        results[at + TOTAL_COLLATERAL] = totalCollateral;
        results[at + TOTAL_DEBT] = totalDebt;
        results[at + LTV] = ltv;
        results[at + THRESHOLD] = threshold;
        results[at + HEALTH_FACTOR_HI] = healthFactorHi;
        results[at + HEALTH_FACTOR_LO] = healthFactorLo;
        return true;
    }

    /** ⌊weighted / total⌋ (an average LTV or threshold, &lt; 2^16), or −1 out of range. One hardware division when the sum fits a word. */
    private long average(long weightedHi, long weightedLo, long total) {
        if (weightedHi == 0) {
            return Long.divideUnsigned(weightedLo, total);
        }
        return math.divide(weightedHi, weightedLo, total) ? math.lo : -1;
    }

    /**
     * wadDiv(percentMul(totalCollateral, threshold), totalDebt) into math.hi/lo. The common case (total
     * collateral &lt; 2^47, so the percentMul product fits a long; a health factor &lt; 2^64) is two hardware
     * divisions; otherwise the general {@link WideMath#mulAddDiv}.
     */
    private boolean healthFactor(long totalCollateral, long threshold, long totalDebt) {
        long collateralHi;
        long collateralLo;
        if (totalCollateral < SMALL_COLLATERAL) {
            collateralHi = 0;
            collateralLo = (totalCollateral * threshold + HALF_PERCENT) / PERCENTAGE_FACTOR;
        } else if (math.mulAddDiv(0, totalCollateral, 0, threshold, 0, HALF_PERCENT, PERCENT)) {
            collateralHi = math.hi;
            collateralLo = math.lo;
        } else {
            return false;
        }
        long halfDebt = totalDebt >>> 1;
        if (collateralHi == 0) {
            long lo = collateralLo * WAD;
            long sum = lo + halfDebt;
            long hi = Math.unsignedMultiplyHigh(collateralLo, WAD) + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
            if (math.divide(hi, sum, totalDebt)) {
                return true;
            }
        }
        byDebt.set(0, totalDebt);
        return math.mulAddDiv(collateralHi, collateralLo, 0, WAD, 0, halfDebt, byDebt);
    }

    /**
     * 3.6: wadDiv(Σ value × threshold, totalDebt) / 10,000 into math.hi/lo (GenericLogic.sol:162-164); the
     * weighted sum is &lt; 2^95 (see the class comment), so it is a valid 128-bit operand.
     */
    private boolean healthFactorV36(long weightedHi, long weightedLo, long totalDebt) {
        byDebt.set(0, totalDebt);
        if (!math.mulAddDiv(weightedHi, weightedLo, 0, WAD, 0, totalDebt >>> 1, byDebt)) {
            return false;
        }
        return math.mulAddDiv(math.hi, math.lo, 0, 1, 0, 0, PERCENT);
    }

    /** Computes and stores one line's collateral and debt value (0 where GenericLogic counts none); false out of range. */
    private boolean lineValues(PrimitiveBlock block, long[] lines, int k, int id, int eMode, boolean inEMode) {
        int flags = (int) lines[k];
        boolean eModePrice = inEMode && block.eModePriced[eMode];
        long priceHi = eModePrice ? block.eModePriceHi[eMode] : block.priceHi[id];
        long priceLo = eModePrice ? block.eModePriceLo[eMode] : block.priceLo[id];
        long collateral = 0;
        long debt = 0;
        if ((flags & COLLATERAL) != 0 && (block.v36 || block.threshold[id] != 0)) {
            // 3.0: rayMul half up, value floor; 3.6: rayMulFloor, value floor (TokenMath.getATokenBalance, GenericLogic.sol:248-256)
            collateral = baseValue(lines[k + 1], lines[k + 2], block.incomeHi[id], block.incomeLo[id], priceHi, priceLo, block.unit[id],
                    block.v36 ? 0 : HALF_RAY_HI, block.v36 ? 0 : HALF_RAY_LO, 0, 0);
        }
        if ((flags & BORROWING) != 0) {
            // 3.0: rayMul half up, value floor; 3.6: rayMulCeil, value mulDivCeil (TokenMath.getVTokenBalance, GenericLogic.sol:225-229)
            debt = block.v36
                    ? baseValue(lines[k + 3], lines[k + 4], block.debtHi[id], block.debtLo[id], priceHi, priceLo, block.unit[id],
                            RAY_MINUS_ONE_HI, RAY_MINUS_ONE_LO, block.unitMinusOneHi[id], block.unitMinusOneLo[id])
                    : baseValue(lines[k + 3], lines[k + 4], block.debtHi[id], block.debtLo[id], priceHi, priceLo, block.unit[id],
                            HALF_RAY_HI, HALF_RAY_LO, 0, 0);
        }
        lines[k + COLLATERAL_VALUE] = collateral;
        lines[k + DEBT_VALUE] = debt;
        return collateral >= 0 && debt >= 0;
    }

    /**
     * ⌊(⌊(scaled × index + indexAddend) / RAY⌋ × price + valueAddend) / unit⌋, or −1 when an intermediate or the
     * result is outside the bounds. The addends choose the rounding: HALF_RAY for half up, RAY − 1 and unit − 1 for up.
     */
    private long baseValue(long scaledHi, long scaledLo, long indexHi, long indexLo, long priceHi, long priceLo, Divisor unit,
                           long indexAddendHi, long indexAddendLo, long valueAddendHi, long valueAddendLo) {
        if (!math.mulAddDiv(scaledHi, scaledLo, indexHi, indexLo, indexAddendHi, indexAddendLo, RAY)) {
            return -1;
        }
        if (!math.mulAddDiv(math.hi, math.lo, priceHi, priceLo, valueAddendHi, valueAddendLo, unit) || math.hi != 0) {
            return -1;
        }
        return math.lo;
    }

    /**
     * The six values, as {@code getUserAccountData} returns them, from the words {@link #evaluate} wrote;
     * available borrows by GenericLogic's own last step, max(0, percentMul(collateral, LTV) − debt) (percentMulFloor on 3.6).
     */
    static AccountData accountData(long[] results, int at, AaveRules rules) {
        BigInteger totalCollateral = BigInteger.valueOf(results[at + TOTAL_COLLATERAL]);
        BigInteger totalDebt = BigInteger.valueOf(results[at + TOTAL_DEBT]);
        BigInteger ltv = BigInteger.valueOf(results[at + LTV]);
        BigInteger borrowable = rules == AaveRules.V3_0 ? WadRayMath.percentMul(totalCollateral, ltv)
                : totalCollateral.multiply(ltv).divide(WadRayMath.PERCENTAGE_FACTOR); // percentMulFloor, GenericLogic.sol:198
        BigInteger available = borrowable.subtract(totalDebt).max(BigInteger.ZERO);
        return new AccountData(totalCollateral, totalDebt, available, BigInteger.valueOf(results[at + THRESHOLD]), ltv,
                totalDebt.signum() == 0 ? WadRayMath.MAX_UINT256 : WideMath.toBigInteger(results[at + HEALTH_FACTOR_HI], results[at + HEALTH_FACTOR_LO]));
    }

    /** Health factor below 1 (WAD), as {@link AccountData#liquidatable()}. */
    static boolean liquidatable(long[] results, int at) {
        return below(results, at, WAD);
    }

    /** Has debt and a health factor below {@code threshold} (a wad below 2^64). */
    static boolean below(long[] results, int at, long threshold) {
        return results[at + TOTAL_DEBT] != 0 && results[at + HEALTH_FACTOR_HI] == 0
                && Long.compareUnsigned(results[at + HEALTH_FACTOR_LO], threshold) < 0;
    }
}
