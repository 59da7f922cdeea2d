package dev.margincall.submit;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.RpcErrorKind;
import dev.margincall.chain.RpcErrors;
import dev.margincall.chain.RpcException;
import dev.margincall.chain.SimulatedCall;
import dev.margincall.chain.StateOverride;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates a block's liquidations exactly as the chain will run them. Where the node offers
 * {@code eth_simulateV1}, the whole batch is one request: the transactions run in nonce order in one
 * simulated block stamped with the next block's time, each on the state the earlier ones leave (a
 * swap's price impact and a spent balance included), and each reports the gas it used. That costs one
 * round trip for any number of liquidations, where {@code eth_call} + {@code eth_estimateGas} cost two
 * per liquidation and the estimate's binary search runs the transaction a dozen times. A node without
 * the method gets the per-transaction path ({@code eth_call}, then {@code eth_estimateGas}, on the
 * latest state, side by side on a small thread pool; a dry-run's approvals become state overrides there).
 */
final class LiquidationSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiquidationSimulator.class);

    /**
     * Gas each transaction may use in the bundle: far above a liquidation with a multi-hop swap (about
     * 0.4–1 M), so running out of it means a broken transaction, not a tight limit.
     */
    static final BigInteger SIMULATION_GAS = BigInteger.valueOf(3_000_000);

    static final BigInteger GAS_PER_BATCH_ITEM = BigInteger.valueOf(1_000_000);
    /** Ethereum's block gas limit in 2025 (and Anvil's devnet has 300 M): a batch is capped far below it anyway. */
    static final BigInteger MAX_SIMULATION_GAS = BigInteger.valueOf(30_000_000);

    /** The outcome for one liquidation: the gas it will use and the gas limit to send it with. */
    record Simulated(BigInteger gasUsed, BigInteger gasLimit) {
    }

    /** Where a liquidation's simulation failed, with the decoded reason. */
    interface Failures {
        void failed(Submission submission, String reason);
    }

    private final EthRpc rpc;
    private final Address from;
    private final int gasLimitMarginPct;
    private final List<CallRequest> setup;
    private final ErrorCatalog errors;
    private final ExecutorService perTransaction = Executors.newFixedThreadPool(8,
            Thread.ofPlatform().name("simulation-", 0).daemon(true).factory());
    private volatile boolean bundles = true;
    private volatile StateOverride approvalOverride;

    LiquidationSimulator(EthRpc rpc, Address from, int gasLimitMarginPct) {
        this(rpc, from, gasLimitMarginPct, List.of(), ErrorCatalog.EMPTY);
    }

    /**
     * @param setup calls that run would have sent before any liquidation (dry-run: the token approvals it
     *              does not send), simulated ahead of every bundle so a dry-run judges what run would send
     * @param errors the markets' errors, to name a failure in the reasons reported
     */
    LiquidationSimulator(EthRpc rpc, Address from, int gasLimitMarginPct, List<CallRequest> setup, ErrorCatalog errors) {
        this.rpc = rpc;
        this.from = from;
        this.gasLimitMarginPct = gasLimitMarginPct;
        this.errors = errors;
        this.setup = setup.stream().map(c -> new CallRequest(from, c.to(), c.data(), BigInteger.ZERO, SIMULATION_GAS)).toList();
    }

    /**
     * One answer per liquidation, in order: empty where the simulation failed (reported to {@code failures}).
     * Runs on the newest state the node has ({@code latest}), not on the block the plans were made at: a
     * competitor's liquidation mined since then fails here instead of on chain.
     */
    List<Optional<Simulated>> simulate(List<Submission> liquidations, long nextTimestamp, Failures failures) {
        if (liquidations.isEmpty()) {
            return List.of();
        }
        if (bundles) {
            try {
                return bundle(liquidations, BlockTag.LATEST, nextTimestamp, failures);
            } catch (RpcException e) {
                if (RpcErrors.classify(e) == RpcErrorKind.METHOD_NOT_FOUND) {
                    bundles = false;
                    log.warn("the RPC endpoint has no eth_simulateV1 ({}): simulating each liquidation with eth_call + eth_estimateGas from now on",
                            e.getMessage());
                } else {
                    log.warn("bundle simulation failed ({}): simulating this block's {} liquidations one by one", e.getMessage(), liquidations.size());
                }
            }
        }
        return oneByOne(liquidations, failures);
    }

    /** True while the node answers {@code eth_simulateV1}: a block's transactions can be verified together, in order. */
    boolean bundles() {
        return bundles;
    }

    /**
     * The bundle simulated on the state of block {@code parent} (the block the plans were made on: our own transactions,
     * sent already and maybe mined, are in the bundle itself), after {@code ahead}: our transactions of earlier heads not
     * mined by {@code parent}, in nonce order, which the chain runs first (judged by their own receipts, not here).
     * Throws when the bundle cannot be simulated.
     */
    List<Optional<Simulated>> verify(List<Submission> ahead, List<Submission> liquidations, long parent, long nextTimestamp, Failures failures) {
        return liquidations.isEmpty() ? List.of() : bundle(ahead, liquidations, BlockTag.number(parent), nextTimestamp, failures);
    }

    private List<Optional<Simulated>> bundle(List<Submission> liquidations, BlockTag parent, long nextTimestamp, Failures failures) {
        return bundle(List.of(), liquidations, parent, nextTimestamp, failures);
    }

    private List<Optional<Simulated>> bundle(List<Submission> ahead, List<Submission> liquidations, BlockTag parent, long nextTimestamp,
                                             Failures failures) {
        List<CallRequest> bodies = new ArrayList<>(setup);
        ahead.stream().map(l -> body(l).withGas(simulationGas(l))).forEach(bodies::add);
        liquidations.stream().map(l -> body(l).withGas(simulationGas(l))).forEach(bodies::add);
        // A node that checks timestamps refuses one at or below the latest block's: the caller then falls back
        // to eth_call on the latest state, which is what this asks for anyway.
        List<SimulatedCall> all = rpc.simulate(bodies, parent, nextTimestamp);
        for (int i = 0; i < setup.size(); i++) {
            if (!all.get(i).success()) {
                String reason = "the setup call to " + setup.get(i).to() + " that run sends first fails: " + reason(all.get(i));
                liquidations.forEach(l -> failures.failed(l, reason));
                return liquidations.stream().map(l -> Optional.<Simulated>empty()).toList();
            }
        }
        List<SimulatedCall> results = all.subList(setup.size() + ahead.size(), all.size());
        List<Optional<Simulated>> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            SimulatedCall result = results.get(i);
            if (!result.success()) {
                // a failed transaction leaves no state behind: the others' results stand as they are
                failures.failed(liquidations.get(i), reason(result));
                out.add(Optional.empty());
            } else {
                List<BatchEvents.ItemOutcome> skipped = everyItemSkipped(liquidations.get(i), result);
                if (skipped.isEmpty()) {
                    out.add(Optional.of(new Simulated(result.gasUsed(), limitFromGasUsed(result.gasUsed()))));
                } else {
                    // mined, it would only pay gas for nothing: a batch whose every item the contract would skip is a failure
                    failures.failed(liquidations.get(i), "every item of the batch would be skipped: "
                            + skipped.stream().map(o -> RevertReason.describe(o.reason(), errors)).distinct().toList());
                    out.add(Optional.empty());
                }
            }
        }
        return out;
    }

    /**
     * A batch's simulated item events when they report every item skipped (none liquidated); empty otherwise, and when
     * the node returned no logs.
     */
    private static List<BatchEvents.ItemOutcome> everyItemSkipped(Submission submission, SimulatedCall result) {
        if (!submission.batch()) {
            return List.of();
        }
        List<BatchEvents.ItemOutcome> outcomes = BatchEvents.outcomes(result.logs(), submission.to());
        return outcomes.stream().anyMatch(BatchEvents.ItemOutcome::liquidated) ? List.of() : outcomes;
    }

    /**
     * The gas a transaction may use in the bundle: {@link #SIMULATION_GAS} for one liquidation, a million per item for a
     * batch (a batched liquidation uses about a quarter of that), at most {@link #MAX_SIMULATION_GAS}.
     */
    static BigInteger simulationGas(Submission submission) {
        return SIMULATION_GAS.max(GAS_PER_BATCH_ITEM.multiply(BigInteger.valueOf(submission.items().size()))).min(MAX_SIMULATION_GAS);
    }

    private String reason(SimulatedCall result) {
        return result.revertData() != null && result.revertData().length() > 2 ? RevertReason.describe(result.revertData(), errors) : result.error();
    }

    /**
     * The gas a transaction needs as its limit is more than it uses: refunds (at most a fifth of the gas
     * spent, EIP-3529) are paid back only at the end, and each nested call gets only 63/64 of what is
     * left (EIP-150). The FlashLiquidator measured on the devnet: 589,955 used, 723,983 needed (×1.23).
     * So the used gas × 5/4 covers the refund, and the configured margin covers the call depth and the
     * state moving until the transaction is mined. Gas is paid as used, not as limited.
     */
    BigInteger limitFromGasUsed(BigInteger gasUsed) {
        return withMargin(gasUsed.multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4)));
    }

    private BigInteger withMargin(BigInteger gas) {
        return gas.multiply(BigInteger.valueOf(100L + gasLimitMarginPct)).divide(BigInteger.valueOf(100));
    }

    private List<Optional<Simulated>> oneByOne(List<Submission> liquidations, Failures failures) {
        List<Future<Optional<Simulated>>> futures = liquidations.stream().map(l -> perTransaction.submit(() -> single(l, failures))).toList();
        List<Optional<Simulated>> out = new ArrayList<>(futures.size());
        for (Future<Optional<Simulated>> future : futures) {
            try {
                out.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while simulating", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    private Optional<Simulated> single(Submission liquidation, Failures failures) {
        CallRequest body = body(liquidation);
        try {
            StateOverride override = approvals();
            BigInteger estimate;
            if (override.isEmpty()) {
                rpc.call(body, BlockTag.LATEST);
                estimate = rpc.estimateGas(body);
            } else {
                rpc.call(body, BlockTag.LATEST, override);
                estimate = rpc.estimateGas(body, override);
            }
            return Optional.of(new Simulated(estimate, withMargin(estimate)));
        } catch (CallRevertedException e) {
            failures.failed(liquidation, e.reason(errors));
        } catch (RuntimeException e) {
            // a timeout or rate limit: this liquidation waits (backoff), the block's others go on
            failures.failed(liquidation, "the simulation could not run: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * eth_call runs one transaction, so the approvals run would send first (dry-run) become state overrides:
     * each token's allowance slot, found once ({@link ApprovalOverrides}), set to the maximum.
     */
    private StateOverride approvals() {
        StateOverride found = approvalOverride;
        if (found == null) {
            found = StateOverride.none();
            for (CallRequest approval : setup) {
                Address spender = Erc20.approvedSpender(approval.data()).orElseThrow(() -> new IllegalStateException(
                        "a setup call other than an ERC-20 approval cannot be assumed without eth_simulateV1: " + approval.data()));
                found = found.with(ApprovalOverrides.unlimited(rpc, approval.to(), from, spender));
            }
            approvalOverride = found;
        }
        return found;
    }

    private CallRequest body(Submission liquidation) {
        return new CallRequest(from, liquidation.to(), liquidation.data(), BigInteger.ZERO, null);
    }

    @Override
    public void close() {
        perTransaction.shutdownNow();
    }
}
