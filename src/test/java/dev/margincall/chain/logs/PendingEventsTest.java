package dev.margincall.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.Address;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A reorg retracts the pending events of the blocks it removed (by transaction and log index), not the others; drained ones stay drained. */
class PendingEventsTest {

    private static final Address EMITTER = Address.of("0x00000000000000000000000000000000000000e1");

    private static LogEntry log(String topic, long block, String tx, long index) {
        return new LogEntry(EMITTER, List.of(topic), "0x", block, "0xb" + block, tx, index, false);
    }

    private final PendingEvents<String> events = new PendingEvents<>(l -> l.topic0().startsWith("0xaa") ? Optional.of(l.topic0()) : Optional.empty());

    @Test
    void aReorgRetractsOnlyThePendingEventsOfTheRemovedBlocks() {
        LogEntry kept = log("0xaa01", 10, "0xt1", 0);
        LogEntry removed = log("0xaa02", 11, "0xt2", 3);
        LogEntry sameTxOtherIndex = log("0xaa03", 11, "0xt2", 4);
        events.onLogs(List.of(kept, log("0xbb", 10, "0xt1", 1), removed, sameTxOtherIndex));
        events.onRetracted(List.of(removed));
        assertThat(events.drain()).extracting(PendingEvents.Seen::event).containsExactly("0xaa01", "0xaa03");
        assertThat(events.drain()).isEmpty();

        events.onLogs(List.of(removed));
        List<PendingEvents.Seen<String>> drained = events.drain();
        events.onRetracted(List.of(removed)); // already taken: metrics do not go back
        assertThat(drained).singleElement().satisfies(s -> {
            assertThat(s.block()).isEqualTo(11);
            assertThat(s.transactionHash()).isEqualTo("0xt2");
            assertThat(s.logIndex()).isEqualTo(3);
        });
        assertThat(events.drain()).isEmpty();
    }
}
