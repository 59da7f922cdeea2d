package dev.margincall.protocol.aavev3;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;

/** Market-wide numbers a liquidator prices with, read from the chain. */
public final class AaveV3Parameters {

    private AaveV3Parameters() {
    }

    /** {@code Pool.FLASHLOAN_PREMIUM_TOTAL()} in basis points. */
    public static int flashLoanPremiumBps(EthRpc rpc, Address pool, BlockTag tag) {
        return Abi.decodeUint(rpc.call(CallRequest.call(pool, AaveV3Calls.flashLoanPremiumTotal()), tag)).intValueExact();
    }

    /** {@code AaveOracle.BASE_CURRENCY_UNIT()}: one unit of the base currency (10^8 for USD on Aave V3 markets). */
    public static BigInteger baseCurrencyUnit(EthRpc rpc, Address oracle, BlockTag tag) {
        return Abi.decodeUint(rpc.call(CallRequest.call(oracle, Abi.call("BASE_CURRENCY_UNIT()")), tag));
    }
}
