package dev.margincall.chain;

import java.math.BigInteger;

/** The parts of a block header the keeper uses. {@code baseFeePerGas} is null before London. */
public record BlockHeader(long number, String hash, String parentHash, long timestamp, BigInteger baseFeePerGas, BigInteger gasLimit) {

    /** This block by number and hash. */
    public dev.margincall.core.BlockRef ref() {
        return new dev.margincall.core.BlockRef(number, hash);
    }
}
