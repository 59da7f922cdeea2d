package dev.margincall.chain.logs;

import dev.margincall.core.Address;
import java.util.List;

/** Which logs to follow: emitted by any of {@code addresses} (empty: any), with any of {@code topic0s} (empty: any). */
public record LogQuery(List<Address> addresses, List<String> topic0s) {

    public LogQuery {
        addresses = List.copyOf(addresses);
        topic0s = List.copyOf(topic0s);
    }
}
