package dev.margincall.protocol.uniswapv2;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.strategy.PoolReserves;
import dev.margincall.strategy.SwapMarket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Uniswap V2 pools between a set of tokens, found once from the router's factory ({@code getPair}
 * for every pair of tokens), and their reserves at a block in one Multicall3 round: the swap side of a
 * flash-loan liquidation's plan.
 */
public final class UniswapV2Pools {

    private record Pair(Address pair, Address token0, Address token1) {
    }

    private final Multicall3 multicall;
    private final Address router;
    private final List<Pair> pairs;
    private final Optional<Address> hub;

    private UniswapV2Pools(Multicall3 multicall, Address router, List<Pair> pairs, Optional<Address> hub) {
        this.multicall = multicall;
        this.router = router;
        this.pairs = pairs;
        this.hub = hub;
    }

    /** Finds the pools between every two of {@code tokens}; {@code hub} (the wrapped native token) may route two-hop swaps. */
    public static UniswapV2Pools discover(EthRpc rpc, Address multicall3, Address router, List<Address> tokens, Optional<Address> hub, BlockTag tag) {
        Multicall3 multicall = new Multicall3(rpc, multicall3);
        Address factory = Abi.decodeAddress(rpc.call(dev.margincall.chain.CallRequest.call(router, Abi.call("factory()")), tag));
        List<Address[]> candidates = new ArrayList<>();
        List<Multicall3.Call> calls = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            for (int j = i + 1; j < tokens.size(); j++) {
                Address a = tokens.get(i);
                Address b = tokens.get(j);
                candidates.add(new Address[] {a, b});
                calls.add(new Multicall3.Call(factory, Abi.call("getPair(address,address)", Abi.address(a), Abi.address(b))));
            }
        }
        List<Multicall3.Result> results = calls.isEmpty() ? List.of() : multicall.aggregate3(calls, tag);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Multicall3.Result result = results.get(i);
            Address pair = result.success() ? Words.address(result.returnData(), 0) : Address.ZERO;
            if (!pair.isZero()) {
                Address a = candidates.get(i)[0];
                Address b = candidates.get(i)[1];
                // UniswapV2Factory sorts a pair's tokens by address: token0 < token1
                boolean aFirst = a.compareTo(b) < 0;
                pairs.add(new Pair(pair, aFirst ? a : b, aFirst ? b : a));
            }
        }
        return new UniswapV2Pools(multicall, router, List.copyOf(pairs), hub);
    }

    public Address router() {
        return router;
    }

    public int poolCount() {
        return pairs.size();
    }

    /** Every pool's reserves at {@code tag}, both directions. */
    public SwapMarket read(BlockTag tag) {
        if (pairs.isEmpty()) {
            return new SwapMarket(Map.of(), hub);
        }
        List<Multicall3.Result> results = multicall.aggregate3(
                pairs.stream().map(p -> new Multicall3.Call(p.pair, Abi.call("getReserves()"))).toList(), tag);
        Map<SwapMarket.TokenPair, PoolReserves> reserves = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (!results.get(i).success()) {
                continue;
            }
            Pair pair = pairs.get(i);
            var reserve0 = Words.uint(results.get(i).returnData(), 0);
            var reserve1 = Words.uint(results.get(i).returnData(), 1);
            reserves.put(new SwapMarket.TokenPair(pair.token0, pair.token1), new PoolReserves(reserve0, reserve1));
            reserves.put(new SwapMarket.TokenPair(pair.token1, pair.token0), new PoolReserves(reserve1, reserve0));
        }
        return new SwapMarket(reserves, hub);
    }
}
