package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.logs.LogSink;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * One log stream feeds both the account set (position events) and the oracle events. Only the account
 * set has state worth a checkpoint: the oracle events are per-block signals, rebuilt from the chain's
 * sources at start.
 */
final class MarketLogs implements LogSink {

    private final AccountSet accounts;
    private final OracleEvents oracle;

    MarketLogs(AccountSet accounts, OracleEvents oracle) {
        this.accounts = accounts;
        this.oracle = oracle;
    }

    @Override
    public void onLogs(BlockRef upTo, List<LogEntry> logs) {
        accounts.onLogs(upTo, logs);
        oracle.onLogs(logs);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<LogEntry> retracted) {
        accounts.onRollback(commonAncestor, retracted);
        oracle.onLogs(retracted);
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
