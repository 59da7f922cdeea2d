package dev.margincall.chain;

import dev.margincall.core.Address;
import java.util.List;

/** One event log as the node returned it; {@code removed} is true when a reorg retracted it. */
public record LogEntry(Address address, List<String> topics, String data, long blockNumber, String blockHash,
                       String transactionHash, long logIndex, boolean removed) {

    public String topic0() {
        return topics.isEmpty() ? null : topics.get(0);
    }
}
