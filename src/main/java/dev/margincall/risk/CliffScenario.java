package dev.margincall.risk;

import dev.margincall.core.Address;
import java.util.List;

/**
 * The assets that fall together ({@code kind}: "asset" for one, "correlated" for every non-stable
 * collateral) and the cliff's steps. {@code accounts} (only when the settings ask for it): every account
 * liquidatable at some step, from the fall that liquidates it ({@code fromBps}, 0: before any fall) until
 * the fall that heals it ({@code untilBps}, 0: none does; an account owing the falling asset can recover).
 */
public record CliffScenario(String name, String kind, List<String> assets, List<CliffStep> steps, List<AccountEntry> accounts) {

    public record AccountEntry(Address account, int fromBps, int untilBps) {
    }

    public CliffScenario {
        assets = List.copyOf(assets);
        steps = List.copyOf(steps);
        accounts = List.copyOf(accounts);
    }
}
