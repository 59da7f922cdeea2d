package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * A {@link BlockContext} as 64-bit words, for {@link FastAccountEvaluator}: per reserve id its indexes,
 * price, unit and risk parameters; per eMode category (ids 0–255) its parameters and price.
 * A reserve (or category price) outside the fast path's range is marked unusable, and an account
 * touching it is evaluated by the BigInteger reference instead: indexes and prices must be &lt; 2^128 and
 * the token have at most 27 decimals (see {@link Divisor}). Aave stores indexes as uint128 and real
 * Chainlink prices are far below 2^128, so in practice every reserve is usable.
 */
final class PrimitiveBlock {

    static final int EMODE_CATEGORIES = 256;

    /** The 3.6 rules (rounding in the protocol's favour, eMode bitmaps); else 3.0's. */
    final boolean v36;
    final int reserveCount;
    /** No reserve at this id (dropped): GenericLogic skips it. */
    final boolean[] absent;
    final boolean[] usable;
    final long[] incomeHi;
    final long[] incomeLo;
    final long[] debtHi;
    final long[] debtLo;
    final long[] priceHi;
    final long[] priceLo;
    final Divisor[] unit;
    /** unit − 1, the addend that turns a floor division by the unit into a ceiling (3.6 debt values). */
    final long[] unitMinusOneHi;
    final long[] unitMinusOneLo;
    final int[] ltv;
    final int[] threshold;
    final int[] eModeCategory;

    final boolean[] eModeKnown = new boolean[EMODE_CATEGORIES];
    /** The category has its own price source and that price is usable; false also when it has none. */
    final boolean[] eModePriced = new boolean[EMODE_CATEGORIES];
    /** The category has a price source whose price is outside the range: its members take the reference path. */
    final boolean[] eModeUnusable = new boolean[EMODE_CATEGORIES];
    final int[] eModeLtv = new int[EMODE_CATEGORIES];
    final int[] eModeThreshold = new int[EMODE_CATEGORIES];
    final long[] eModePriceHi = new long[EMODE_CATEGORIES];
    final long[] eModePriceLo = new long[EMODE_CATEGORIES];
    /** 3.6: per category, its collateral and LTV-zero bitmaps (reserve ids 0–127, as uint128 on chain). */
    final long[] eModeCollateralHi = new long[EMODE_CATEGORIES];
    final long[] eModeCollateralLo = new long[EMODE_CATEGORIES];
    final long[] eModeLtvZeroHi = new long[EMODE_CATEGORIES];
    final long[] eModeLtvZeroLo = new long[EMODE_CATEGORIES];

    PrimitiveBlock(BlockContext block) {
        Market market = block.market;
        v36 = market.rules() == AaveRules.V3_6;
        reserveCount = market.reservesCount();
        absent = new boolean[reserveCount];
        usable = new boolean[reserveCount];
        incomeHi = new long[reserveCount];
        incomeLo = new long[reserveCount];
        debtHi = new long[reserveCount];
        debtLo = new long[reserveCount];
        priceHi = new long[reserveCount];
        priceLo = new long[reserveCount];
        unit = new Divisor[reserveCount];
        unitMinusOneHi = new long[reserveCount];
        unitMinusOneLo = new long[reserveCount];
        ltv = new int[reserveCount];
        threshold = new int[reserveCount];
        eModeCategory = new int[reserveCount];
        for (int id = 0; id < reserveCount; id++) {
            Reserve reserve = market.reservesById().get(id);
            if (reserve == null) {
                absent[id] = true;
                continue;
            }
            ReserveConfiguration config = reserve.configuration();
            usable[id] = WideMath.fits128(block.income[id]) && WideMath.fits128(block.debt[id]) && WideMath.fits128(block.price[id])
                    && config.decimals() <= Divisor.MAX_POWER_OF_TEN;
            if (!usable[id]) {
                continue;
            }
            incomeHi[id] = WideMath.high(block.income[id]);
            incomeLo[id] = WideMath.low(block.income[id]);
            debtHi[id] = WideMath.high(block.debt[id]);
            debtLo[id] = WideMath.low(block.debt[id]);
            priceHi[id] = WideMath.high(block.price[id]);
            priceLo[id] = WideMath.low(block.price[id]);
            unit[id] = Divisor.powerOfTen(config.decimals());
            BigInteger unitMinusOne = block.unit[id].subtract(BigInteger.ONE);
            unitMinusOneHi[id] = WideMath.high(unitMinusOne);
            unitMinusOneLo[id] = WideMath.low(unitMinusOne);
            ltv[id] = config.ltv();
            threshold[id] = config.liquidationThreshold();
            eModeCategory[id] = config.eModeCategory();
        }
        for (EModeCategory category : market.eModeCategories().values()) {
            int id = category.id();
            if (id <= 0 || id >= EMODE_CATEGORIES) {
                continue; // not a uint8 category: its members are not known here and take the reference path
            }
            eModeKnown[id] = true;
            eModeLtv[id] = category.ltv();
            eModeThreshold[id] = category.liquidationThreshold();
            if (category.hasBitmaps()) {
                if (!WideMath.fits128(category.collateralBitmap()) || !WideMath.fits128(category.ltvZeroBitmap())) {
                    eModeUnusable[id] = true;
                    continue;
                }
                eModeCollateralHi[id] = WideMath.high(category.collateralBitmap());
                eModeCollateralLo[id] = WideMath.low(category.collateralBitmap());
                eModeLtvZeroHi[id] = WideMath.high(category.ltvZeroBitmap());
                eModeLtvZeroLo[id] = WideMath.low(category.ltvZeroBitmap());
            }
            BigInteger price = block.eModePrice.get(id);
            if (price != null) {
                eModePriced[id] = WideMath.fits128(price);
                eModeUnusable[id] = !eModePriced[id];
                eModePriceHi[id] = WideMath.high(price);
                eModePriceLo[id] = WideMath.low(price);
            }
        }
    }

    /** Bit {@code id} of a 128-bit bitmap (ids of 128 and above are never set: a uint128 on chain). */
    static boolean bit(long hi, long lo, int id) {
        if (id < 64) {
            return (lo >>> id & 1) != 0;
        }
        return id < 128 && (hi >>> (id - 64) & 1) != 0;
    }

    /** 3.6: {@code reserve}'s collateral takes category {@code eMode}'s parameters (its collateral bitmap). */
    boolean inEModeCollateral(int eMode, int reserve) {
        return bit(eModeCollateralHi[eMode], eModeCollateralLo[eMode], reserve);
    }

    boolean eModeLtvZero(int eMode, int reserve) {
        return bit(eModeLtvZeroHi[eMode], eModeLtvZeroLo[eMode], reserve);
    }
}
