package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * A {@link Position} as one {@code long[]}, made once per position update and read by
 * {@link FastAccountEvaluator} at every block: per reserve the account uses (a collateral or borrowing
 * bit set), {@value #STRIDE} words — reserve id and flags, scaled collateral (high, low), scaled
 * variable debt (high, low), and the line's collateral and debt value in the base currency at the last
 * evaluation, so that a price move recomputes only the lines of the moved reserves.
 *
 * <p>Positions the fast path does not take are not packed ({@link #pack} returns null) and are always
 * evaluated by the BigInteger reference: stable debt (its interest is compounded per user, from the
 * user's own rate and timestamp) and balances outside 0..2^128 − 1 (the contract stores scaled balances
 * as uint128, so a position read from the chain is always inside).
 */
final class PackedPosition {

    static final int STRIDE = 7;
    static final int COLLATERAL_VALUE = 5;
    static final int DEBT_VALUE = 6;
    static final int COLLATERAL = 1 << 16;
    static final int BORROWING = 1 << 17;
    static final int RESERVE_MASK = 0xFFFF;

    private PackedPosition() {
    }

    static long[] pack(Position position) {
        BigInteger configuration = position.userConfiguration();
        int reserves = (configuration.bitLength() + 1) / 2;
        if (configuration.signum() < 0 || reserves > RESERVE_MASK) {
            return null;
        }
        int used = 0;
        for (int id = 0; id < reserves; id++) {
            used += position.isBorrowing(id) || position.isUsingAsCollateral(id) ? 1 : 0;
        }
        long[] lines = new long[used * STRIDE];
        int at = 0;
        for (int id = 0; id < reserves; id++) {
            boolean collateral = position.isUsingAsCollateral(id);
            boolean borrowing = position.isBorrowing(id);
            if (!collateral && !borrowing) {
                continue;
            }
            Position.Balances balances = position.balances(id);
            if (balances.stablePrincipal().signum() != 0
                    || !WideMath.fits128(balances.scaledCollateral()) || !WideMath.fits128(balances.scaledVariableDebt())) {
                return null;
            }
            lines[at] = id | (collateral ? COLLATERAL : 0) | (borrowing ? BORROWING : 0);
            lines[at + 1] = WideMath.high(balances.scaledCollateral());
            lines[at + 2] = WideMath.low(balances.scaledCollateral());
            lines[at + 3] = WideMath.high(balances.scaledVariableDebt());
            lines[at + 4] = WideMath.low(balances.scaledVariableDebt());
            at += STRIDE;
        }
        return lines;
    }
}
