package dev.margincall.chain;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/** A mined transaction's outcome. {@code contractAddress} is null unless it created a contract. */
public record TransactionReceipt(String transactionHash, long blockNumber, String blockHash, boolean success,
                                 BigInteger gasUsed, BigInteger effectiveGasPrice, Address contractAddress,
                                 List<LogEntry> logs) {
}
