package dev.margincall.devnet;

/** How far from liquidation a seeded borrower starts. */
public enum RiskBand {
    /** Just above the lowest health factor the protocol lets one borrow to (LT / LTV). */
    NEAR,
    /** Health factor around 1.15–1.5. */
    MEDIUM,
    /** Health factor 1.5–3. */
    SAFE
}
