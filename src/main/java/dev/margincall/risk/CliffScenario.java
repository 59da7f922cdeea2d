package dev.margincall.risk;

import java.util.List;

/** The assets that fall together ({@code kind}: "asset" for one, "correlated" for every non-stable collateral) and the cliff's steps. */
public record CliffScenario(String name, String kind, List<String> assets, List<CliffStep> steps) {

    public CliffScenario {
        assets = List.copyOf(assets);
        steps = List.copyOf(steps);
    }
}
