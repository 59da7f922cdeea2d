package dev.margincall.chain;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A message call or transaction body. Everything but {@code to} and {@code data} may be null: the
 * node then fills it in. {@code nonce} and the EIP-1559 fee caps only matter for transactions.
 */
public record CallRequest(Address from, Address to, String data, BigInteger value, BigInteger gas, Long nonce,
                          BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {

    public CallRequest(Address from, Address to, String data, BigInteger value, BigInteger gas) {
        this(from, to, data, value, gas, null, null, null);
    }

    public static CallRequest call(Address to, String data) {
        return new CallRequest(null, to, data, null, null);
    }

    /** A contract creation: no {@code to}, the init code as data. */
    public static CallRequest create(Address from, String initCode) {
        return new CallRequest(from, null, initCode, null, null);
    }

    public CallRequest withFrom(Address sender) {
        return new CallRequest(sender, to, data, value, gas, nonce, maxFeePerGas, maxPriorityFeePerGas);
    }

    public CallRequest withGas(BigInteger gasLimit) {
        return new CallRequest(from, to, data, value, gasLimit, nonce, maxFeePerGas, maxPriorityFeePerGas);
    }

    public CallRequest withValue(BigInteger wei) {
        return new CallRequest(from, to, data, wei, gas, nonce, maxFeePerGas, maxPriorityFeePerGas);
    }

    public CallRequest withNonce(long transactionNonce) {
        return new CallRequest(from, to, data, value, gas, transactionNonce, maxFeePerGas, maxPriorityFeePerGas);
    }

    public CallRequest withFees(BigInteger maxFee, BigInteger maxPriorityFee) {
        return new CallRequest(from, to, data, value, gas, nonce, maxFee, maxPriorityFee);
    }
}
