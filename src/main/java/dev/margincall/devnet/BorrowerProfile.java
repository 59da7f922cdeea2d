package dev.margincall.devnet;

/** The shapes of position the devnet seeds, so every code path of the evaluator gets exercised. */
public enum BorrowerProfile {
    /** One collateral asset, one debt asset. */
    SINGLE_COLLATERAL_SINGLE_DEBT(2),
    /** Two or three collateral assets (never more than the market has but one), one debt asset. */
    MULTI_COLLATERAL(3),
    /** One collateral asset, two debt assets. */
    MULTI_DEBT(3),
    /** Two collateral assets, two debt assets. */
    MULTI_COLLATERAL_MULTI_DEBT(4),
    /** Stablecoin collateral and debt in the stablecoin eMode category. */
    STABLE_EMODE(2);

    private final int minReserves;

    BorrowerProfile(int minReserves) {
        this.minReserves = minReserves;
    }

    /** Whether a market with {@code reserveCount} reserves can hold this shape (a position never borrows what it supplies). */
    public boolean fits(int reserveCount) {
        return reserveCount >= minReserves;
    }
}
