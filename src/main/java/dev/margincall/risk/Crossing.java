package dev.margincall.risk;

import java.util.Arrays;

/**
 * Where a quantity linear in the price fall x, f(x) = a − b·x, turns negative, when the protocol's
 * rounding may move it a little: below {@code certainlyNot} the exact figure is surely still non-negative,
 * above {@code certainly} surely negative; in between only the protocol's exact evaluation decides.
 */
record Crossing(double certainlyNot, double certainly) {

    static final Crossing NEVER = new Crossing(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    static final int NO_STEP = -1;

    /**
     * The health factor N(x)/D(x) with N(x) = n − nS·x (threshold-weighted collateral) and D(x) = d − dS·x
     * falls below 1; the exact one is within a relative {@code tolerance} of the linear one.
     */
    static Crossing healthFactor(double n, double d, double nS, double dS, double tolerance) {
        return of(n, d, nS, dS, 1 + tolerance, 1 - tolerance);
    }

    /** Collateral C(x) = c − cS·x falls below debt D(x) = d − dS·x; the exact difference is within {@code absolute} of the linear one. */
    static Crossing badDebt(double c, double d, double cS, double dS, double absolute) {
        double slope = cS - dS;
        double gap = c - d;
        if (gap <= absolute) {
            return new Crossing(0, slope > 0 ? (gap + absolute) / slope : Double.POSITIVE_INFINITY);
        }
        return slope > 0 ? new Crossing((gap - absolute) / slope, (gap + absolute) / slope) : NEVER;
    }

    /** n − h·d − x·(nS − h·dS) < 0, for h between {@code low} and {@code high} (the rounding band around 1). */
    private static Crossing of(double n, double d, double nS, double dS, double high, double low) {
        double lower;
        if (n <= high * d) {
            lower = 0;
        } else {
            double slope = nS - high * dS;
            lower = slope > 0 ? (n - high * d) / slope : Double.POSITIVE_INFINITY;
        }
        double upper;
        if (n <= low * d) {
            upper = 0;
        } else {
            double slope = nS - low * dS;
            upper = slope > 0 ? (n - low * d) / slope : Double.POSITIVE_INFINITY;
        }
        return new Crossing(Math.min(lower, upper), upper);
    }

    /** The protocol's exact answer for one account at one step (made once per scenario, not once per account). */
    interface StepCheck {
        boolean test(int step, int account);
    }

    /**
     * The first of the ascending falls {@code drops} at which the quantity is negative, asking {@code exact}
     * (by step index, for this {@code account}) only for falls in the uncertain band; {@link #NO_STEP} when none.
     */
    int firstStep(double[] drops, StepCheck exact, int account) {
        if (certainlyNot == Double.POSITIVE_INFINITY) {
            return NO_STEP;
        }
        int k = Arrays.binarySearch(drops, certainlyNot);
        for (k = k >= 0 ? k : -k - 1; k < drops.length; k++) {
            if (drops[k] > certainly || exact.test(k, account)) {
                return k;
            }
        }
        return NO_STEP;
    }

    /** Whether the quantity is negative at fall x ({@code exact} asked only in the band). */
    boolean crossedAt(double x, java.util.function.BooleanSupplier exact) {
        return x > certainly || (x >= certainlyNot && exact.getAsBoolean());
    }
}
