package dev.margincall.devnet;

/** The shapes of position the devnet seeds, so every code path of the evaluator gets exercised. */
public enum BorrowerProfile {
    /** One collateral asset, one debt asset. */
    SINGLE_COLLATERAL_SINGLE_DEBT,
    /** Two or three collateral assets, one debt asset. */
    MULTI_COLLATERAL,
    /** One collateral asset, two debt assets. */
    MULTI_DEBT,
    /** Two collateral assets, two debt assets. */
    MULTI_COLLATERAL_MULTI_DEBT,
    /** Stablecoin collateral and debt in the stablecoin eMode category. */
    STABLE_EMODE
}
