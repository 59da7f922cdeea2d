package dev.margincall.chain;

import java.math.BigInteger;
import java.util.List;

/**
 * One transaction of a simulated bundle ({@code eth_simulateV1}): whether it succeeded on the state the
 * transactions before it left, the gas it used (after refunds, as a receipt reports it), and what it
 * returned, or on failure the revert data and the node's message; {@code logs}: what it emitted (empty when
 * it failed, or when the node does not say), without block or transaction coordinates.
 */
public record SimulatedCall(boolean success, BigInteger gasUsed, String returnData, String revertData, String error, List<LogEntry> logs) {

    public SimulatedCall {
        logs = List.copyOf(logs);
    }

    public SimulatedCall(boolean success, BigInteger gasUsed, String returnData, String revertData, String error) {
        this(success, gasUsed, returnData, revertData, error, List.of());
    }
}
