package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What the devnet deployed, written to {@code deployment.json} so a config can point at it.
 *
 * @param startBlock   the block of the first Aave contract: backfilling from here sees every event
 */
public record Deployment(long chainId, String rpcUrl, long startBlock, Address deployer, Address liquidityProvider,
                         Address multicall3, Aave aaveV3, List<Reserve> reserves, UniswapV2 uniswapV2) {

    public record Aave(Address poolAddressesProvider, Address pool, Address poolConfigurator, Address aclManager,
                       Address oracle, Address dataProvider, Address treasury) {
    }

    public record Reserve(String symbol, Address asset, int decimals, BigInteger price, Address priceSource,
                          Address aToken, Address stableDebtToken, Address variableDebtToken) {
    }

    /** {@code pairs} maps "WETH/USDC" (symbols in the spec's order) to the pair address. */
    public record UniswapV2(Address factory, Address router, Map<String, Address> pairs) {
    }

    public Reserve reserve(String symbol) {
        return reserves.stream().filter(r -> r.symbol().equals(symbol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no reserve " + symbol + " in this deployment"));
    }
}
