package dev.margincall.submit;

import java.math.BigInteger;

/** EIP-1559 fee caps of one transaction, in wei per gas. */
public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {

    public Fees {
        if (maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0) {
            maxPriorityFeePerGas = maxFeePerGas;
        }
    }
}
