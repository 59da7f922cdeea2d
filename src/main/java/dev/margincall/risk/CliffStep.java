package dev.margincall.risk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One price fall of a scenario: {@code newly} the accounts that become liquidatable at this step (not at
 * the previous one), {@code cumulative} all that are liquidatable at this step (those liquidatable
 * before any fall included). {@code prices}: the scenario's assets' prices at this step (value unit, by symbol).
 */
public record CliffStep(int dropBps, double dropPct, Map<String, java.math.BigInteger> prices, Totals newly, Totals cumulative) {

    /** Prices keep their (asset) order, as {@link Totals}' units do. */
    public CliffStep {
        prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
    }
}
