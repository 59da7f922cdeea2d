package dev.margincall.risk;

import java.util.List;

/**
 * A cascade estimate: {@code symbol} falls by {@code initialDropPct}; liquidators sell what they seize
 * into {@code venue}; the oracle follows the pool {@code oracleLagRounds} rounds later; rounds until
 * nothing more happens. {@code amplification} is the final fall divided by the initial one.
 */
public record Cascade(String symbol, String venue, double initialDropPct, int oracleLagRounds, List<CascadeRound> rounds, double finalDropPct,
                      double amplification, boolean settled) {

    public Cascade {
        rounds = List.copyOf(rounds);
    }
}
