package dev.margincall.strategy;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Uniswap V2 pools the keeper can swap through at one block: reserves by (token, token). A route is
 * the direct pool, else two hops through the hub token (the wrapped native token), whichever gives more.
 */
public record SwapMarket(Map<TokenPair, PoolReserves> pools, Optional<Address> hub) {

    /** An ordered pair: reserves are stored for both directions. */
    public record TokenPair(Address in, Address out) {
    }

    public SwapMarket {
        pools = Map.copyOf(pools);
    }

    public static SwapMarket empty() {
        return new SwapMarket(Map.of(), Optional.empty());
    }

    /**
     * The pools after {@code amountIn} went through {@code route}: a block's later plans see the price
     * impact of its earlier ones, as the chain will when it executes them in order.
     */
    public SwapMarket afterSwap(SwapRoute route, BigInteger amountIn) {
        if (route.hops().isEmpty()) {
            return this;
        }
        Map<TokenPair, PoolReserves> updated = new java.util.HashMap<>(pools);
        BigInteger amount = amountIn;
        for (int i = 0; i < route.hops().size(); i++) {
            TokenPair forward = new TokenPair(route.path().get(i), route.path().get(i + 1));
            PoolReserves current = updated.get(forward);
            BigInteger out = UniswapV2Math.amountOut(amount, current.reserveIn(), current.reserveOut());
            PoolReserves moved = new PoolReserves(current.reserveIn().add(amount), current.reserveOut().subtract(out));
            updated.put(forward, moved);
            updated.put(new TokenPair(forward.out(), forward.in()), new PoolReserves(moved.reserveOut(), moved.reserveIn()));
            amount = out;
        }
        return new SwapMarket(updated, hub);
    }

    /** The route that turns the most {@code amountIn} of {@code in} into {@code out}; empty when no pool links them. */
    public Optional<SwapRoute> bestRoute(Address in, Address out, BigInteger amountIn) {
        if (in.equals(out)) {
            return Optional.of(SwapRoute.none());
        }
        Optional<SwapRoute> direct = Optional.ofNullable(pools.get(new TokenPair(in, out))).map(r -> new SwapRoute(List.of(in, out), List.of(r)));
        Optional<SwapRoute> viaHub = hub.filter(h -> !h.equals(in) && !h.equals(out)).flatMap(h -> {
            PoolReserves first = pools.get(new TokenPair(in, h));
            PoolReserves second = pools.get(new TokenPair(h, out));
            return first == null || second == null ? Optional.empty() : Optional.of(new SwapRoute(List.of(in, h, out), List.of(first, second)));
        });
        if (direct.isEmpty() || viaHub.isEmpty()) {
            return direct.isPresent() ? direct : viaHub;
        }
        return UniswapV2Math.amountOut(amountIn, viaHub.get().hops()).compareTo(UniswapV2Math.amountOut(amountIn, direct.get().hops())) > 0
                ? viaHub : direct;
    }
}
