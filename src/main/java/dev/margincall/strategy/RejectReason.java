package dev.margincall.strategy;

/**
 * Why a liquidatable account gets no plan, or a plan gets no transaction (a metric label: a closed set).
 * Declared in the order a plan gets through its checks: the strategy reports the furthest any pair reached.
 */
public enum RejectReason {
    /** Health factor below 1 but no collateral the pool lets a liquidator seize: bad debt, nothing to win. */
    NOTHING_TO_SEIZE,
    /**
     * Liquidatable, but its market has no USD price for a token of the position (e.g. a Morpho loan token neither
     * {@code usdFeeds} nor {@code aaveOracle} prices): no profit can be valued, so nothing is sent.
     */
    UNPRICED,
    /**
     * Liquidatable at the next block but healthy again a couple of blocks later from interest alone (its
     * collateral earns faster than its debt grows): a transaction that lands a block late would revert.
     */
    RECOVERING,
    /** Its debt in every pair is worth less than the dust threshold. */
    DUST,
    /** No pool swaps the collateral into the debt asset (flash-loan funding). */
    NO_LIQUIDITY,
    /** Wallet funding: the keeper's account lacks the debt asset. */
    INSUFFICIENT_BALANCE,
    /** Every pair loses money after bonus, protocol fee, swap, flash premium and gas. */
    NOT_PROFITABLE,
    /** Profitable, but less than the configured minimum. */
    BELOW_MIN_PROFIT,
    /**
     * It would realize bad debt (all collateral seized, the rest of the debt written off) below the minimum profit or at a
     * loss, and its market does not accept that: {@code realizeBadDebt} off, the loss above {@code maxBadDebtLossUsd}, or
     * (contract funding) the sale not covering the repayment.
     */
    BAD_DEBT_LOSS,
    /** The simulation of the exact transaction failed (someone was faster, or the state moved). */
    SIMULATION_FAILED,
    /** The fee the network asks would eat more than the allowed share of the profit. */
    GAS_TOO_EXPENSIVE
}
