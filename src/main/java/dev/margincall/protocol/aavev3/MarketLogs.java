package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.logs.LogSink;
import dev.margincall.chain.logs.PendingEvents;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * One log stream feeds the account set (position events), the oracle events and the market's liquidations.
 * Only the account set has state worth a checkpoint: the oracle events are per-block signals, rebuilt from the chain's
 * sources at start.
 */
final class MarketLogs implements LogSink {

    private final AccountSet accounts;
    private final OracleEvents oracle;
    private final PendingEvents<LiquidationCallEvent> liquidations;

    MarketLogs(AccountSet accounts, OracleEvents oracle, PendingEvents<LiquidationCallEvent> liquidations) {
        this.accounts = accounts;
        this.oracle = oracle;
        this.liquidations = liquidations;
    }

    @Override
    public void onLogs(BlockRef upTo, List<LogEntry> logs) {
        accounts.onLogs(upTo, logs);
        oracle.onLogs(logs);
        liquidations.onLogs(logs);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<LogEntry> retracted) {
        accounts.onRollback(commonAncestor, retracted);
        oracle.onLogs(retracted);
        liquidations.onRetracted(retracted);
    }

    @Override
    public String snapshot() {
        return accounts.snapshot();
    }

    @Override
    public void restore(String snapshot) {
        accounts.restore(snapshot);
    }
}
