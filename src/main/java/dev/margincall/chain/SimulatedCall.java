package dev.margincall.chain;

import java.math.BigInteger;

/**
 * One transaction of a simulated bundle ({@code eth_simulateV1}): whether it succeeded on the state the
 * transactions before it left, the gas it used (after refunds, as a receipt reports it), and what it
 * returned, or on failure the revert data and the node's message.
 */
public record SimulatedCall(boolean success, BigInteger gasUsed, String returnData, String revertData, String error) {
}
