package dev.margincall.chain;

import java.math.BigInteger;
import java.util.List;

/**
 * {@code eth_feeHistory}: base fees of the blocks from {@code oldestBlock} (one more than the blocks
 * asked: the last is the next block's), their gas-used ratios, and per block the priority fees at the
 * asked percentiles.
 */
public record FeeHistory(long oldestBlock, List<BigInteger> baseFeePerGas, List<Double> gasUsedRatio, List<List<BigInteger>> reward) {
}
