package dev.margincall.chain;

import dev.margincall.core.Address;
import java.util.List;

/**
 * An {@code eth_getLogs} filter over an inclusive block range. {@code topic0s} matches any of the
 * given event signatures; empty means any event.
 */
public record LogFilter(long fromBlock, long toBlock, List<Address> addresses, List<String> topic0s) {

    public LogFilter {
        if (fromBlock < 0 || toBlock < fromBlock) {
            throw new IllegalArgumentException("bad block range " + fromBlock + ".." + toBlock);
        }
        addresses = List.copyOf(addresses);
        topic0s = List.copyOf(topic0s);
    }
}
