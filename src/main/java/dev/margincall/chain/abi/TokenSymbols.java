package dev.margincall.chain.abi;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ERC-20 {@code symbol()} of a market's tokens, for reports: a token that has none (or a bytes32 one) is shown by its address. */
public final class TokenSymbols {

    private TokenSymbols() {
    }

    public static Map<Address, String> read(EthRpc rpc, List<Address> tokens, BlockTag tag) {
        Map<Address, String> symbols = new LinkedHashMap<>();
        for (Address token : tokens) {
            try {
                String symbol = Abi.decodeString(rpc.call(CallRequest.call(token, Abi.call("symbol()")), tag));
                if (symbol != null && !symbol.isBlank() && symbol.length() <= 32) {
                    symbols.put(token, symbol);
                }
            } catch (RuntimeException e) {
                // display only: the address stands in for the symbol
            }
        }
        return Map.copyOf(symbols);
    }
}
