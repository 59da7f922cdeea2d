package dev.margincall.strategy;

import dev.margincall.core.Address;
import java.util.List;

/** A swap path (token addresses, first in, last out) and the reserves of each hop at planning time. */
public record SwapRoute(List<Address> path, List<PoolReserves> hops) {

    public SwapRoute {
        path = List.copyOf(path);
        hops = List.copyOf(hops);
        if (!path.isEmpty() && hops.size() != path.size() - 1) {
            throw new IllegalArgumentException("a path of " + path.size() + " tokens has " + (path.size() - 1) + " hops, not " + hops.size());
        }
    }

    /** Collateral and debt are the same token: nothing to swap. */
    public static SwapRoute none() {
        return new SwapRoute(List.of(), List.of());
    }
}
