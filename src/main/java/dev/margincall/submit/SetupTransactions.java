package dev.margincall.submit;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

/**
 * Transactions outside the liquidation flow (e.g. token approvals): simulated, priced at the market (no
 * profit cap: they earn nothing by themselves), sent and awaited. Never in dry-run.
 */
final class SetupTransactions {

    private final EthRpc rpc;
    private final Address from;
    private final FeeMarket fees;
    private final Broadcaster broadcaster;
    private final int gasLimitMarginPct;

    SetupTransactions(EthRpc rpc, Address from, FeeMarket fees, Broadcaster broadcaster, int gasLimitMarginPct) {
        this.rpc = rpc;
        this.from = from;
        this.fees = fees;
        this.broadcaster = broadcaster;
        this.gasLimitMarginPct = gasLimitMarginPct;
    }

    TransactionReceipt execute(Address to, String data, String what, Duration timeout) {
        CallRequest body = new CallRequest(from, to, data, BigInteger.ZERO, null);
        BigInteger gas;
        try {
            rpc.call(body, BlockTag.LATEST);
            gas = rpc.estimateGas(body);
        } catch (CallRevertedException e) {
            throw new IllegalStateException(what + " would revert: " + e.reason());
        }
        FeePolicy.MarketFees market = fees.now();
        CallRequest tx = body.withGas(gas.multiply(BigInteger.valueOf(100L + gasLimitMarginPct)).divide(BigInteger.valueOf(100)))
                .withFees(market.wantedMaxFee(), market.tip());
        Broadcaster.Sent sent = broadcaster.sendNew(tx, null).orElseThrow(() -> new IllegalStateException("the node refused " + what));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> receipt = rpc.receipt(sent.hash());
            if (receipt.isPresent()) {
                if (!receipt.get().success()) {
                    throw new IllegalStateException(what + " reverted on chain (tx " + sent.hash() + ")");
                }
                return receipt.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
        throw new IllegalStateException(what + " (tx " + sent.hash() + ") was not mined within " + timeout.toSeconds() + " s");
    }
}
