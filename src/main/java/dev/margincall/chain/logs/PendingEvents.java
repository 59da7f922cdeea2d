package dev.margincall.chain.logs;

import dev.margincall.chain.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The events of one kind a {@link LogStream} delivered since the consumer last asked (a market's liquidations, whoever
 * sent them). A reorg retracts the ones it removed if they were not asked for yet (those already taken stay taken:
 * metrics do not go back). Not part of a checkpoint: what the stream replays after a restart is history, drained at start.
 *
 * @param <T> the decoded event
 */
public final class PendingEvents<T> {

    /** One event with where it was: transaction and log index identify it when a reorg retracts it. */
    public record Seen<T>(T event, long block, String transactionHash, long logIndex) {
    }

    private final Function<LogEntry, Optional<T>> decoder;
    private final List<Seen<T>> pending = new ArrayList<>();

    /** @param decoder the event of a log, or empty for a log of another kind */
    public PendingEvents(Function<LogEntry, Optional<T>> decoder) {
        this.decoder = decoder;
    }

    public void onLogs(List<LogEntry> logs) {
        for (LogEntry log : logs) {
            decoder.apply(log).ifPresent(event -> pending.add(new Seen<>(event, log.blockNumber(), log.transactionHash(), log.logIndex())));
        }
    }

    public void onRetracted(List<LogEntry> retracted) {
        for (LogEntry log : retracted) {
            pending.removeIf(s -> s.transactionHash().equals(log.transactionHash()) && s.logIndex() == log.logIndex());
        }
    }

    public List<Seen<T>> drain() {
        List<Seen<T>> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
