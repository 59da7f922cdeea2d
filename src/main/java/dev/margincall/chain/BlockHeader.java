package dev.margincall.chain;

import java.math.BigInteger;

/** The parts of a block header the keeper uses. {@code baseFeePerGas} is null before London. */
public record BlockHeader(long number, String hash, String parentHash, long timestamp, BigInteger baseFeePerGas, BigInteger gasLimit) {
}
