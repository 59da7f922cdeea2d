package dev.margincall.protocol.aavev3.model;

import static dev.margincall.protocol.aavev3.model.WadRayMath.percentMul;

import dev.margincall.core.Rounding;
import java.math.BigInteger;

/**
 * The debt repaid and the bonus (collateral received − debt repaid, both in base currency) of an account's largest single
 * liquidation, what {@link LiquidationMath#quotes} gives, to the wei, but in tens of nanoseconds instead of microseconds: the
 * risk report asks it for every liquidatable account at every step of a price fall (millions of times).
 *
 * <p>Nothing here decides alone what the contract computes: where a figure could go either way, {@link #at} answers null
 * and the caller takes the exact quotes; where one pair's floor could, that pair is quoted by {@link LiquidationMath#quote}. What it uses:
 * <ul>
 * <li>the health factor only through its side of 1 and of 0.95 (LiquidationLogic's close factor, and on 3.6 the 50 % rule),
 * from a double evaluation and the rounding band around it (3.0 rounds the averaged threshold down: under 1.5/threshold);</li>
 * <li>{@code _calculateAvailableCollateralToLiquidate}: the collateral a repayment buys, floor(debt × debtPrice × collateralUnit /
 * (collateralPrice × debtUnit)) × bonus (percentMul), less the protocol's share of the bonus; capped by the balance, when the
 * debt is what that balance buys (percentDiv, 3.6 percentDivCeil);</li>
 * <li>when the collateral units are small (a whole unit worth more than a thousandth of a base unit: WBTC, USDC), the chain
 * runs in long arithmetic, each floor found from a double and kept only when the double is far from an integer;</li>
 * <li>when they are large (18-decimal tokens), the value received is, before the integer floors, a constant
 * V = debt × debtPrice / debtUnit × (bonus − fee share): the floors move the units by a few, so its value by a few times
 * (price / unit), far below one base unit; floor(V) is then the value unless V is that close to an integer.</li>
 * </ul>
 * Left to the exact quotes: eMode, stable debt, a blocking sentinel, a health factor too close to 1 or 0.95 to tell; to the
 * exact quote of one pair: 3.6's dust rule when it bites, and every floor too close to call.
 */
public final class LargestLiquidation {

    private static final double TWO_46 = 0x1p46;
    private static final long MIN_LEFTOVER_BASE = V36Liquidation.MIN_LEFTOVER_BASE.longValueExact();
    private static final long MIN_BASE_MAX_CLOSE_FACTOR = V36Liquidation.MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD.longValueExact();
    private static final double CLOSE_FACTOR_HF = 0.95;
    private static final BigInteger ABOVE_CLOSE_FACTOR = new BigInteger("975000000000000000");
    private static final BigInteger BELOW_CLOSE_FACTOR = new BigInteger("500000000000000000");
    private static final Divisor PERCENT = Divisor.powerOfTen(4);
    private static final long HALF_PERCENT = 5_000;
    private static final long PERCENTAGE_FACTOR = 10_000;

    /**
     * The repayment and the bonus, in base currency: two longs when both fit (nearly always), else two BigIntegers. The report
     * asks for these millions of times, and two BigIntegers are four objects more each time. One form per pair of values (the
     * longs whenever they fit), so that equal figures are equal records.
     */
    public record Figures(long narrowRepaid, long narrowBonus, BigInteger wideRepaid, BigInteger wideBonus) {
        public static final Figures NONE = of(0, 0);

        static Figures of(long repaid, long bonus) {
            return new Figures(repaid, bonus, null, null);
        }

        static Figures of(BigInteger repaid, BigInteger bonus) {
            return repaid.bitLength() < 64 && bonus.bitLength() < 64 ? of(repaid.longValue(), bonus.longValue()) : new Figures(0, 0, repaid, bonus);
        }

        /** Whether they are the longs (else {@link #wideRepaid} and {@link #wideBonus}). */
        public boolean narrow() {
            return wideRepaid == null;
        }

        public BigInteger repaid() {
            return narrow() ? BigInteger.valueOf(narrowRepaid) : wideRepaid;
        }

        public BigInteger bonus() {
            return narrow() ? BigInteger.valueOf(narrowBonus) : wideBonus;
        }

        /** {@link dev.margincall.protocol.spi.LiquidationValue#LARGEST}: a larger repayment, or an equal one with a larger bonus. */
        boolean largerThan(Figures other) {
            if (narrow() && other.narrow()) {
                return narrowRepaid > other.narrowRepaid || (narrowRepaid == other.narrowRepaid && narrowBonus > other.narrowBonus);
            }
            int order = repaid().compareTo(other.repaid());
            return order > 0 || (order == 0 && bonus().compareTo(other.bonus()) > 0);
        }
    }

    /** V = floor + fraction for a repayment of {@code toCover} at {@code debtPrice} (immutable: a race only computes it twice). */
    private record Received(BigInteger toCover, long debtPrice, long floor, double fraction) {
    }

    /** One account's balances in token units and what its pairs need, computed once (prices are not in it). */
    public static final class Prepared {
        final boolean simple;
        final int[] ids;
        final boolean[] collateral;
        final boolean[] counted;
        final boolean[] borrowing;
        final BigInteger[] collateralUnits;
        final BigInteger[] debtUnits;
        final double[] collateralUnitsD;
        final double[] debtUnitsD;
        final int[] threshold;
        final int[] decimals;
        /** 3.0's close factor of 50 %: percentMul(debt, 5,000). */
        final BigInteger[] halfDebt;
        final double[] halfDebtD;
        /** The debt price the account was prepared at, and the value of repaying all of the debt, or half, at that price. */
        final long[] preparedPrice;
        final BigInteger[] fullRepaid;
        final BigInteger[] halfRepaid;
        /** V per (pair, close factor) at the last debt price asked: a fall mostly leaves the debt's price alone. */
        final Received[] received;
        /**
         * The balance, and the collateral left to the liquidator when the whole balance is taken (the balance less the protocol
         * fee), as whole tokens and remainder (whole −1 when too large for the long arithmetic).
         */
        final long[] collateralWhole;
        final long[] collateralRemainder;
        final long[] cappedWhole;
        final long[] cappedRemainder;

        private Prepared(boolean simple, int n) {
            this.simple = simple;
            ids = new int[n];
            collateral = new boolean[n];
            counted = new boolean[n];
            borrowing = new boolean[n];
            collateralUnits = new BigInteger[n];
            debtUnits = new BigInteger[n];
            collateralUnitsD = new double[n];
            debtUnitsD = new double[n];
            threshold = new int[n];
            decimals = new int[n];
            halfDebt = new BigInteger[n];
            halfDebtD = new double[n];
            preparedPrice = new long[n];
            fullRepaid = new BigInteger[n];
            halfRepaid = new BigInteger[n];
            received = new Received[n * n * 2];
            collateralWhole = new long[n];
            collateralRemainder = new long[n];
            cappedWhole = new long[n];
            cappedRemainder = new long[n];
        }
    }

    private LargestLiquidation() {
    }

    /** The account's units at the block's indexes (the report's prices move, its timestamp does not). */
    public static Prepared prepare(BlockContext block, Position position) {
        Market market = block.market;
        AaveRules rules = market.rules();
        int n = 0;
        for (int id = 0; id < market.reservesCount(); id++) {
            if ((position.isUsingAsCollateral(id) || position.isBorrowing(id)) && market.reservesById().get(id) != null) {
                n++;
            }
        }
        boolean simple = position.eModeCategory() == 0 && !market.sentinelBlocksLiquidations();
        Prepared p = new Prepared(simple, n);
        WideMath math = new WideMath();
        int i = 0;
        for (int id = 0; id < market.reservesCount(); id++) {
            Reserve reserve = market.reservesById().get(id);
            if (reserve == null || !(position.isUsingAsCollateral(id) || position.isBorrowing(id))) {
                continue;
            }
            ReserveConfiguration config = reserve.configuration();
            Position.Balances balances = position.balances(id);
            p.ids[i] = id;
            p.threshold[i] = config.liquidationThreshold();
            p.decimals[i] = config.decimals();
            p.collateral[i] = position.isUsingAsCollateral(id);
            // GenericLogic: 3.0 counts a collateral only with a threshold (and so does its liquidation), 3.6 every enabled one
            p.counted[i] = p.collateral[i] && (rules != AaveRules.V3_0 || config.liquidationThreshold() != 0);
            p.borrowing[i] = position.isBorrowing(id);
            p.collateralUnits[i] = p.collateral[i] ? rules.aTokenBalance(balances.scaledCollateral(), block.income[id]) : BigInteger.ZERO;
            p.debtUnits[i] = p.borrowing[i] ? rules.vTokenBalance(balances.scaledVariableDebt(), block.debt[id]) : BigInteger.ZERO;
            p.collateralUnitsD[i] = p.collateralUnits[i].doubleValue();
            p.debtUnitsD[i] = p.debtUnits[i].doubleValue();
            p.halfDebt[i] = percentMul(p.debtUnits[i], LiquidationMath.DEFAULT_CLOSE_FACTOR);
            p.halfDebtD[i] = p.halfDebt[i].doubleValue();
            p.preparedPrice[i] = block.price[id].bitLength() < 63 ? block.price[id].longValue() : -1;
            p.fullRepaid[i] = Rounding.mulDivUp(p.debtUnits[i], block.price[id], block.unit[id]);
            p.halfRepaid[i] = Rounding.mulDivUp(p.halfDebt[i], block.price[id], block.unit[id]);
            splitBalance(math, block, p, i, config);
            boolean usable = config.active() && !config.paused();
            simple &= usable && balances.stablePrincipal().signum() == 0 && !reserve.inLiquidationGracePeriod(block.timestamp)
                    && config.decimals() <= 18 && block.price[id].bitLength() < 53 && p.collateralUnits[i].bitLength() < 120
                    && p.debtUnits[i].bitLength() < 120;
            i++;
        }
        return simple ? p : new Prepared(false, 0);
    }

    /** The largest liquidation's figures at the block's prices, NONE when not liquidatable, null when only the exact quotes can tell. */
    public static Figures at(BlockContext block, Position position, Prepared p) {
        if (!p.simple) {
            return null;
        }
        AaveRules rules = block.market.rules();
        int n = p.ids.length;
        double weighted = 0;
        double collateral = 0;
        double debt = 0;
        int lines = 0;
        int collaterals = 0;
        for (int i = 0; i < n; i++) {
            double price = block.pricePerUnit[p.ids[i]];
            if (p.counted[i]) {
                double value = p.collateralUnitsD[i] * price;
                collateral += value;
                weighted += value * p.threshold[i];
                lines++;
                collaterals++;
            }
            if (p.borrowing[i]) {
                debt += p.debtUnitsD[i] * price;
                lines++;
            }
        }
        if (debt == 0) {
            return null;
        }
        double healthFactor = weighted / 10_000 / debt;
        double threshold = collateral > 0 ? Math.max(1, weighted / collateral) : 10_000;
        // 3.0 rounds the averaged threshold down (under one of its basis points; exact with one collateral), every line's value by a unit
        double band = 1e-9 + (rules == AaveRules.V3_0 && collaterals > 1 ? 1.5 / threshold : 0) + 4.0 * (lines + 1) / debt;
        if (healthFactor > 1 + band) {
            return Figures.NONE;
        }
        if (healthFactor >= 1 - band || Math.abs(healthFactor / CLOSE_FACTOR_HF - 1) <= band) {
            return null;
        }
        boolean aboveCloseFactor = healthFactor > CLOSE_FACTOR_HF;
        BigInteger totalDebtBase = null;
        Figures best = null;
        for (int d = 0; d < n; d++) {
            if (!p.borrowing[d] || p.debtUnits[d].signum() == 0) {
                continue;
            }
            for (int c = 0; c < n; c++) {
                if (!p.collateral[c] || (rules == AaveRules.V3_0 && p.threshold[c] == 0)) {
                    continue;
                }
                BigInteger toCover;
                if (rules == AaveRules.V3_0) {
                    toCover = aboveCloseFactor ? p.halfDebt[d] : p.debtUnits[d];
                } else {
                    if (totalDebtBase == null) {
                        totalDebtBase = totalDebtBase(block, p);
                    }
                    toCover = maxLiquidatable(block, p, c, d, aboveCloseFactor, totalDebtBase);
                }
                Figures pair = pair(block, p, c, d, toCover);
                if (pair == null) {
                    pair = exactPair(block, position, p, c, d, aboveCloseFactor, totalDebtBase);
                    if (pair == null) {
                        continue; // the Pool refuses this pair (3.6: no amount leaves no dust)
                    }
                }
                if (best == null || pair.largerThan(best)) {
                    best = pair;
                }
            }
        }
        return best == null ? Figures.NONE : best;
    }

    /**
     * The pair by the Pool's own arithmetic ({@link LiquidationMath#quote}), when a floor of the fast chain was too close to call or
     * 3.6's dust rule bites. The quote reads the account's totals only through the health factor's side of 0.95 (close factor,
     * 3.6's 50 % rule), 3.6's total debt in base (exact here) and, for deficits the figures do not include, its total collateral:
     * it is given those, the health factor as a value on the side the screen found.
     */
    private static Figures exactPair(BlockContext block, Position position, Prepared p, int c, int d, boolean aboveCloseFactor,
                                     BigInteger totalDebtBase) {
        AccountData totals = new AccountData(BigInteger.ZERO, totalDebtBase == null ? BigInteger.ZERO : totalDebtBase, BigInteger.ZERO,
                BigInteger.ZERO, BigInteger.ZERO, aboveCloseFactor ? ABOVE_CLOSE_FACTOR : BELOW_CLOSE_FACTOR);
        LiquidationQuote quote = LiquidationMath.quote(block, position, totals, p.ids[c], p.ids[d], WadRayMath.MAX_UINT256);
        return quote == null ? null : Figures.of(quote.debtValue(), quote.collateralValue().subtract(quote.debtValue()));
    }

    /** Σ debt in base currency, as 3.6 values it (rounding up, GenericLogic.sol:229): exact, in long arithmetic. */
    private static BigInteger totalDebtBase(BlockContext block, Prepared p) {
        BigInteger total = BigInteger.ZERO;
        for (int i = 0; i < p.ids.length; i++) {
            if (p.borrowing[i]) {
                total = total.add(Rounding.mulDivUp(p.debtUnits[i], block.price[p.ids[i]], block.unit[p.ids[i]]));
            }
        }
        return total;
    }

    /**
     * 3.6's maxLiquidatableDebt (LiquidationLogic.sol:256-276): the reserve's debt, or half of the account's total debt in base
     * when the health factor is above 0.95 and both reserves are worth at least 2,000 base units (exact: long and BigInteger).
     */
    private static BigInteger maxLiquidatable(BlockContext block, Prepared p, int c, int d, boolean aboveCloseFactor, BigInteger totalDebtBase) {
        BigInteger reserveDebt = p.debtUnits[d];
        if (!aboveCloseFactor) {
            return reserveDebt;
        }
        int cid = p.ids[c];
        int did = p.ids[d];
        BigInteger collateralBase = p.collateralUnits[c].multiply(block.price[cid]).divide(block.unit[cid]);
        BigInteger debtBase = Rounding.mulDivUp(reserveDebt, block.price[did], block.unit[did]);
        BigInteger threshold = V36Liquidation.MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD;
        if (collateralBase.compareTo(threshold) < 0 || debtBase.compareTo(threshold) < 0) {
            return reserveDebt;
        }
        BigInteger half = percentMul(totalDebtBase, LiquidationMath.DEFAULT_CLOSE_FACTOR);
        return debtBase.compareTo(half) > 0 ? half.multiply(block.unit[did]).divide(block.price[did]) : reserveDebt;
    }

    /** One (collateral, debt) pair repaying up to {@code toCover}: its figures, or null when a floor is too close to call. */
    private static Figures pair(BlockContext block, Prepared p, int c, int d, BigInteger toCover) {
        AaveRules rules = block.market.rules();
        int cid = p.ids[c];
        int did = p.ids[d];
        ReserveConfiguration config = block.market.reservesById().get(cid).configuration();
        long bonus = config.liquidationBonus();
        long fee = config.liquidationProtocolFee();
        if (bonus == 0) {
            // 3.6 liquidates a collateral without threshold, and such a reserve has no bonus: the chain below divides by it, while
            // the Pool skips that division without a fee and reverts with one; its own steps (the exact quote) tell which
            return null;
        }
        long collateralPrice = block.price[cid].longValueExact();
        long debtPrice = block.price[did].longValueExact();
        BigInteger collateralUnit = block.unit[cid];
        BigInteger debtUnit = block.unit[did];
        double collateralPerUnit = block.pricePerUnit[cid];
        double debtPerUnit = block.pricePerUnit[did];
        double toCoverD = toCover == p.halfDebt[d] ? p.halfDebtD[d] : toCover == p.debtUnits[d] ? p.debtUnitsD[d] : toCover.doubleValue();

        // base collateral = floor(debtPrice × toCover × collateralUnit / (collateralPrice × debtUnit))
        double base = toCoverD * debtPerUnit / collateralPerUnit;
        double balance = p.collateralUnitsD[c];
        double maxCollateral = base * bonus / 10_000;
        boolean capped;
        if (Math.abs(maxCollateral - balance) <= 4 + 1e-12 * Math.max(maxCollateral, balance)) {
            return null;
        }
        capped = maxCollateral > balance;
        if (!capped) {
            BigInteger repaid = debtPrice != p.preparedPrice[d] ? Rounding.mulDivUp(toCover, block.price[did], debtUnit)
                    : toCover == p.halfDebt[d] ? p.halfRepaid[d] : toCover == p.debtUnits[d] ? p.fullRepaid[d]
                    : Rounding.mulDivUp(toCover, block.price[did], debtUnit);
            long received;
            if (base < TWO_46) {
                long floor = exactFloor(base);
                if (floor < 0) { // on an integer or next to it: divide exactly
                    floor = convert(toCover, block, p, d, c);
                    if (floor < 0) {
                        return null;
                    }
                }
                long amount = (floor * bonus + 5_000) / 10_000;                       // percentMul
                long bonusPart = amount - (amount * 10_000 + bonus / 2) / bonus;       // amount − percentDiv(amount, bonus)
                long toLiquidator = amount - (bonusPart * fee + 5_000) / 10_000;       // less percentMul(bonusPart, fee)
                if (amount > balance) {
                    return null; // the double said uncapped by a margin; never trust a contradiction
                }
                received = value(toLiquidator, collateralPrice, collateralUnit);
                if (received < 0 || (rules != AaveRules.V3_0 && leavesDust(p, c, d, toCover, BigInteger.valueOf(amount), block))) {
                    return null;
                }
            } else {
                // the collateral's units are many and each worth little: the floors move its value by under epsilon
                double epsilon = 8 * collateralPerUnit;
                if (epsilon > 1e-3) {
                    return null;
                }
                int slot = (c * p.ids.length + d) * 2 + (toCover == p.halfDebt[d] ? 1 : 0);
                Received v = p.received[slot];
                if (v == null || v.debtPrice != debtPrice || !v.toCover.equals(toCover)) {
                    BigInteger numerator = toCover.multiply(block.price[did]).multiply(BigInteger.valueOf(bonus * 10_000 - (bonus - 10_000) * fee));
                    BigInteger[] qr = numerator.divideAndRemainder(debtUnit.multiply(BigInteger.valueOf(100_000_000L)));
                    v = new Received(toCover, debtPrice, qr[0].longValueExact(), qr[1].doubleValue() / debtUnit.doubleValue() / 1e8);
                    p.received[slot] = v;
                }
                double fraction = v.fraction;
                if (fraction <= epsilon || fraction >= 1 - epsilon) {
                    received = exactReceived(toCover, block, p, c, d, bonus, fee);
                    if (received < 0) {
                        return null;
                    }
                } else {
                    received = v.floor;
                }
                if (rules != AaveRules.V3_0 && toCover.compareTo(p.debtUnits[d]) < 0) {
                    double left = (balance - maxCollateral) * collateralPerUnit;
                    if (Math.abs(left - MIN_LEFTOVER_BASE) <= 1 + 1e-9 * left || left < MIN_LEFTOVER_BASE
                            || debtLeftIsDust(p, d, toCover, block)) {
                        return null;
                    }
                }
            }
            // received (non-negative) and a repayment below 2^63 subtract as longs
            return repaid.bitLength() < 63 ? Figures.of(repaid.longValue(), received - repaid.longValue())
                    : Figures.of(repaid, BigInteger.valueOf(received).subtract(repaid));
        }
        // capped: all the collateral, for the debt it is worth: percentDiv (3.6 percentDivCeil) of
        // floor(collateralPrice × balance × debtUnit / (debtPrice × collateralUnit))
        double debtForAll = balance * collateralPerUnit / debtPerUnit;
        long repaid;
        if (debtForAll < TWO_46) {
            long floor = exactFloor(debtForAll);
            if (floor < 0) {
                floor = convert(p.collateralUnits[c], block, p, c, d);
                if (floor < 0) {
                    return null;
                }
            }
            long needed = rules == AaveRules.V3_0 ? (floor * 10_000 + bonus / 2) / bonus : (floor * 10_000 + bonus - 1) / bonus;
            repaid = ceilValue(needed, debtPrice, debtUnit);
        } else {
            double epsilon = 4 * debtPerUnit;
            if (epsilon > 1e-3) {
                return null;
            }
            // W = balance × collateralPrice / collateralUnit × 10,000 / bonus, the real debt value, in long arithmetic: the balance's
            // value as whole + remainder (exact), then its division by the bonus with the remainder kept as a fraction
            long whole = p.collateralWhole[c];
            long unit = collateralUnit.longValueExact();
            if (whole < 0 || whole > Long.MAX_VALUE / 4 / collateralPrice) {
                return null;
            }
            long share = Rounding.floorMulDiv(p.collateralRemainder[c], collateralPrice, unit);
            long shareRemainder = p.collateralRemainder[c] * collateralPrice - share * unit; // in [0, unit): exact in wrapping arithmetic
            long value = whole * collateralPrice + share;
            if (value > Long.MAX_VALUE / 10_000) {
                return null;
            }
            long scaled = value * 10_000;
            long debtValue = scaled / bonus;
            double fraction = ((scaled % bonus) + (double) shareRemainder / unit * 10_000) / bonus;
            if (fraction >= 1) {
                debtValue += (long) Math.floor(fraction);
                fraction -= Math.floor(fraction);
            }
            repaid = fraction <= epsilon + 1e-9 || fraction >= 1 - epsilon - 1e-9 ? exactCappedRepaid(block, p, c, d, bonus) : debtValue + 1;
        }
        long whole = p.cappedWhole[c];
        if (repaid < 0 || whole < 0 || whole > Long.MAX_VALUE / 4 / collateralPrice) {
            return null;
        }
        long unit = collateralUnit.longValueExact();
        long received = whole * collateralPrice + Rounding.floorMulDiv(p.cappedRemainder[c], collateralPrice, unit);
        return Figures.of(repaid, received - repaid);
    }

    /**
     * The value received for an uncapped repayment when the screen cannot tell it: the long chain above on 128-bit words
     * (LiquidationLogic._calculateAvailableCollateralToLiquidate: 3.0 and 3.6 compute it alike while uncapped); −1 when capped
     * or when a figure outgrows the words (the pair then goes to the exact quote).
     */
    private static long exactReceived(BigInteger toCover, BlockContext block, Prepared p, int c, int d, long bonus, long fee) {
        WideMath math = new WideMath();
        // amount = percentMul(the collateral toCover buys, bonus)
        if (!convert(math, toCover, block, p, d, c) || !math.mulAddDiv(math.hi, math.lo, 0, bonus, 0, HALF_PERCENT, PERCENT)) {
            return -1;
        }
        long amountHi = math.hi;
        long amountLo = math.lo;
        BigInteger balance = p.collateralUnits[c];
        long balanceHi = WideMath.high(balance);
        if (Long.compareUnsigned(amountHi, balanceHi) > 0 || (amountHi == balanceHi && Long.compareUnsigned(amountLo, WideMath.low(balance)) > 0)) {
            return -1;
        }
        boolean fits = toLiquidator(math, amountHi, amountLo, bonus, fee)
                && math.mulAddDiv(math.hi, math.lo, 0, block.price[p.ids[c]].longValue(), 0, 0, Divisor.powerOfTen(p.decimals[c]));
        return fits && math.hi == 0 && math.lo >= 0 ? math.lo : -1;
    }

    /**
     * The collateral left to the liquidator of a seized amount, into {@code math}: amount − percentMul(amount −
     * percentDiv(amount, bonus), fee), the protocol's share of the bonus taken; false when a quotient outgrows the words or
     * there is no bonus to divide by.
     */
    private static boolean toLiquidator(WideMath math, long amountHi, long amountLo, long bonus, long fee) {
        if (bonus <= 0 || !math.mulAddDiv(amountHi, amountLo, 0, PERCENTAGE_FACTOR, 0, bonus / 2, Divisor.of(bonus))) {
            return false;
        }
        math.subtract(amountHi, amountLo, math.hi, math.lo);
        math.mulAddDiv(math.hi, math.lo, 0, fee, 0, HALF_PERCENT, PERCENT); // at most the amount: it fits
        math.subtract(amountHi, amountLo, math.hi, math.lo);
        return true;
    }

    /**
     * Line i's balance, and what is left to the liquidator when all of it is taken, as whole tokens and remainder, on words
     * (whole −1 where the account cannot be simple: over 18 decimals or 2^120 units, which the pair's long arithmetic never reads).
     */
    private static void splitBalance(WideMath math, BlockContext block, Prepared p, int i, ReserveConfiguration config) {
        BigInteger all = p.collateralUnits[i];
        if (config.decimals() > 18 || all.bitLength() >= 120) {
            p.collateralWhole[i] = -1;
            p.cappedWhole[i] = -1;
            return;
        }
        long unit = block.unit[p.ids[i]].longValue();
        split(math, WideMath.high(all), WideMath.low(all), config.decimals(), unit, p.collateralWhole, p.collateralRemainder, i);
        if (all.signum() == 0) { // a line that is not collateral leaves 0 (its reserve may have no bonus to divide by)
            return;
        }
        if (toLiquidator(math, WideMath.high(all), WideMath.low(all), config.liquidationBonus(), config.liquidationProtocolFee())) {
            split(math, math.hi, math.lo, config.decimals(), unit, p.cappedWhole, p.cappedRemainder, i);
        } else {
            p.cappedWhole[i] = -1;
        }
    }

    /** x = hi:lo ÷ 10^decimals into whole[i] (−1 from 2^61 on) and remainder[i]. */
    private static void split(WideMath math, long hi, long lo, int decimals, long unit, long[] whole, long[] remainder, int i) {
        math.mulAddDiv(hi, lo, 0, 1, 0, 0, Divisor.powerOfTen(decimals));
        remainder[i] = lo - math.lo * unit; // below the unit: exact in wrapping arithmetic
        whole[i] = math.hi == 0 && math.lo >= 0 && math.lo < 1L << 61 ? math.lo : -1;
    }

    /**
     * The debt repaid for all of the collateral when the screen cannot tell it: the chain of the long arithmetic above,
     * ⌈percentDiv(the debt the balance is worth, bonus) × debtPrice / debtUnit⌉ (3.6: percentDivCeil), on 128-bit words; −1
     * when a figure outgrows them (the pair then goes to the exact quote).
     */
    private static long exactCappedRepaid(BlockContext block, Prepared p, int c, int d, long bonus) {
        WideMath math = new WideMath();
        long rounding = block.market.rules() == AaveRules.V3_0 ? bonus / 2 : bonus - 1;
        if (!convert(math, p.collateralUnits[c], block, p, c, d)
                || !math.mulAddDiv(math.hi, math.lo, 0, PERCENTAGE_FACTOR, 0, rounding, Divisor.of(bonus))) {
            return -1;
        }
        long debtUnit = block.unit[p.ids[d]].longValue();
        boolean fits = math.mulAddDiv(math.hi, math.lo, 0, block.price[p.ids[d]].longValue(), 0, debtUnit - 1, Divisor.powerOfTen(p.decimals[d]));
        return fits && math.hi == 0 && math.lo >= 0 ? math.lo : -1;
    }

    /**
     * ⌊units × price(from) × unit(to) / (unit(from) × price(to))⌋, the Pool's conversion of an amount of reserve {@code from}
     * into reserve {@code to}, exactly (on words: the simple account's prices are below 2^53 and its decimals at most 18); −1
     * when it is 2^63 or more.
     */
    private static long convert(BigInteger units, BlockContext block, Prepared p, int from, int to) {
        WideMath math = new WideMath();
        return convert(math, units, block, p, from, to) && math.hi == 0 && math.lo >= 0 ? math.lo : -1;
    }

    /** {@link #convert} into {@code math}'s words: false when the quotient does not fit 128 bits. */
    private static boolean convert(WideMath math, BigInteger units, BlockContext block, Prepared p, int from, int to) {
        return WideMath.fits128(units) && math.mulDivDiv(WideMath.high(units), WideMath.low(units), block.price[p.ids[from]].longValue(),
                block.unit[p.ids[to]].longValue(), Divisor.powerOfTen(p.decimals[from]), block.price[p.ids[to]].longValue());
    }

    /** 3.6's MustNotLeaveDust (LiquidationLogic.sol:298-324) for an uncapped amount: true when it bites or is too close to call. */
    private static boolean leavesDust(Prepared p, int c, int d, BigInteger toCover, BigInteger amount, BlockContext block) {
        if (toCover.compareTo(p.debtUnits[d]) >= 0) {
            return false; // clears the debt
        }
        int cid = p.ids[c];
        BigInteger left = p.collateralUnits[c].subtract(amount).multiply(block.price[cid]).divide(block.unit[cid]);
        return left.compareTo(BigInteger.valueOf(MIN_LEFTOVER_BASE)) < 0 || debtLeftIsDust(p, d, toCover, block);
    }

    private static boolean debtLeftIsDust(Prepared p, int d, BigInteger toCover, BlockContext block) {
        int did = p.ids[d];
        return Rounding.mulDivUp(p.debtUnits[d].subtract(toCover), block.price[did], block.unit[did]).compareTo(BigInteger.valueOf(MIN_LEFTOVER_BASE)) < 0;
    }

    /** floor(x) when x (within a few 1e-16 of the exact quotient) is far enough from an integer to tell; −1 when not. */
    private static long exactFloor(double x) {
        double floor = Math.floor(x);
        double tolerance = 1e-9 + x * 8e-15; // a handful of roundings of the double inputs and operations
        return x - floor <= tolerance || floor + 1 - x <= tolerance ? -1 : (long) floor;
    }

    /** floor(units × price / unit) in long arithmetic: whole tokens × price + the remainder's share; −1 if it would overflow. */
    private static long value(long units, long price, BigInteger unit) {
        long u = unit.longValueExact();
        long whole = units / u;
        if (whole != 0 && whole > Long.MAX_VALUE / 4 / price) {
            return -1;
        }
        return whole * price + Rounding.floorMulDiv(units % u, price, u);
    }

    private static long ceilValue(long units, long price, BigInteger unit) {
        long u = unit.longValueExact();
        long whole = units / u;
        if (whole != 0 && whole > Long.MAX_VALUE / 4 / price) {
            return -1;
        }
        return whole * price + Rounding.ceilMulDiv(units % u, price, u);
    }
}
