package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * USD prices from an Aave V3 oracle on the same chain ({@code AaveOracle.getAssetPrice}, base currency
 * {@code BASE_CURRENCY_UNIT} per USD): the devnet's, or Aave's on a chain where both protocols list the loan tokens.
 * An asset the oracle has no source for reverts and is left out.
 */
public final class AaveOracleUsdPrices implements UsdPrices {

    private final EthRpc rpc;
    private final Multicall3 multicall;
    private final Address oracle;
    private Valuation valuation;

    public AaveOracleUsdPrices(EthRpc rpc, Address multicall3, Address oracle) {
        this.rpc = rpc;
        this.multicall = new Multicall3(rpc, multicall3);
        this.oracle = oracle;
    }

    /** Read once: {@code BASE_CURRENCY_UNIT} is immutable in AaveOracle (set in its constructor), so no request per head. */
    @Override
    public synchronized Valuation valuation(BlockTag tag) {
        if (valuation == null) {
            valuation = new Valuation(Abi.decodeUint(rpc.call(CallRequest.call(oracle, Abi.call("BASE_CURRENCY_UNIT()")), tag)));
        }
        return valuation;
    }

    @Override
    public Map<Address, BigInteger> prices(List<Address> assets, BlockTag tag) {
        return decodePrices(assets, multicall.aggregate3(priceCalls(assets), tag));
    }

    @Override
    public List<Multicall3.Call> priceCalls(List<Address> assets) {
        return assets.stream().map(a -> new Multicall3.Call(oracle, Abi.call("getAssetPrice(address)", address(a)))).toList();
    }

    @Override
    public Map<Address, BigInteger> decodePrices(List<Address> assets, List<Multicall3.Result> results) {
        Map<Address, BigInteger> prices = new LinkedHashMap<>();
        for (int i = 0; i < assets.size(); i++) {
            if (results.get(i).success()) {
                BigInteger price = Abi.decodeUint(results.get(i).returnData());
                if (price.signum() > 0) {
                    prices.put(assets.get(i), price);
                }
            }
        }
        return prices;
    }
}
