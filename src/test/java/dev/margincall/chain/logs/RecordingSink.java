package dev.margincall.chain.logs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.LogEntry;
import dev.margincall.core.BlockRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test sink: the live list of log ids, in delivery order; retractions remove them. Can be told to crash. */
public final class RecordingSink implements LogSink {

    /** A log's identity: where it is and which transaction made it. */
    public record LogId(long block, long index, String transaction) {
        public static LogId of(LogEntry log) {
            return new LogId(log.blockNumber(), log.logIndex(), log.transactionHash());
        }
    }

    public final List<LogId> live = new ArrayList<>();
    public final List<LogId> retracted = new ArrayList<>();
    int deliveries;
    int crashAfterDeliveries = Integer.MAX_VALUE;
    long pauseMillisPerDelivery;

    public static List<LogId> idsOf(List<LogEntry> logs) {
        return logs.stream().map(LogId::of).toList();
    }

    @Override
    public void onLogs(BlockRef upTo, List<LogEntry> logs) {
        logs.forEach(l -> live.add(LogId.of(l)));
        if (pauseMillisPerDelivery > 0) {
            try {
                Thread.sleep(pauseMillisPerDelivery);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (++deliveries >= crashAfterDeliveries) {
            throw new IllegalStateException("simulated crash after " + deliveries + " deliveries, before the checkpoint");
        }
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<LogEntry> logs) {
        for (LogEntry log : logs) {
            LogId id = LogId.of(log);
            if (!live.remove(id)) {
                throw new AssertionError("retracted a log that was never delivered: " + id);
            }
            retracted.add(id);
        }
    }

    @Override
    public String snapshot() {
        try {
            return ChainJson.MAPPER.writeValueAsString(live);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(String snapshot) {
        try {
            live.clear();
            live.addAll(ChainJson.MAPPER.readValue(snapshot, new TypeReference<List<LogId>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
