package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The Pool's {@code LiquidationCall} events delivered since the keeper last asked: every liquidation in the
 * market, whoever sent it. A reorg retracts the ones it removed if they were not asked for yet (counted ones
 * stay counted: metrics do not go back).
 */
final class LiquidationsSeen {

    /** One event with where it was. */
    record Seen(LiquidationCallEvent event, long block, String transactionHash, long logIndex) {
    }

    private final Address pool;
    private final List<Seen> pending = new ArrayList<>();

    LiquidationsSeen(Address pool) {
        this.pool = pool;
    }

    void onLogs(List<LogEntry> logs) {
        for (LogEntry log : logs) {
            if (log.address().equals(pool) && LiquidationCallEvent.matches(log)) {
                pending.add(new Seen(LiquidationCallEvent.decode(log), log.blockNumber(), log.transactionHash(), log.logIndex()));
            }
        }
    }

    void onRetracted(List<LogEntry> retracted) {
        for (LogEntry log : retracted) {
            pending.removeIf(s -> s.transactionHash().equals(log.transactionHash()) && s.logIndex() == log.logIndex());
        }
    }

    List<Seen> drain() {
        List<Seen> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
