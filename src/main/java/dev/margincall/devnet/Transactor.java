package dev.margincall.devnet;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import java.util.Optional;

/**
 * Sends devnet transactions from unlocked accounts with automine on: each send is mined at once and
 * checked, and a revert fails loudly with its decoded reason and what was being done.
 */
public final class Transactor {

    private static final long RECEIPT_TIMEOUT_NANOS = 10_000_000_000L;

    private final DevChain chain;

    public Transactor(DevChain chain) {
        this.chain = chain;
    }

    public DevChain chain() {
        return chain;
    }

    public TransactionReceipt send(String what, Address from, Address to, String calldata) {
        return sendRequest(what, new CallRequest(from, to, calldata, null, null));
    }

    /**
     * The same with a fixed gas limit, for calls whose gas the node cannot estimate: Anvil estimates against the
     * latest block's timestamp, so a Morpho call on a market updated in that block skips the interest accrual
     * (elapsed 0) and its IRM call, and the estimate is too low for the next block.
     */
    public TransactionReceipt send(String what, Address from, Address to, String calldata, long gas) {
        return sendRequest(what, new CallRequest(from, to, calldata, null, java.math.BigInteger.valueOf(gas)));
    }

    /** Sends {@code request} as it is (its own gas limit, for calls whose estimate is unreliable) and waits for its receipt. */
    public TransactionReceipt send(String what, CallRequest request) {
        return sendRequest(what, request);
    }

    public Address deploy(String what, Address from, String initCode) {
        TransactionReceipt receipt = sendRequest("deploy " + what, CallRequest.create(from, initCode));
        if (receipt.contractAddress() == null) {
            throw new DevnetException("deploying " + what + " created no contract (tx " + receipt.transactionHash() + ")");
        }
        return receipt.contractAddress();
    }

    public String call(Address to, String calldata) {
        return chain.call(CallRequest.call(to, calldata), BlockTag.LATEST);
    }

    private TransactionReceipt sendRequest(String what, CallRequest request) {
        String hash;
        try {
            hash = chain.sendTransaction(request);
        } catch (CallRevertedException e) {
            throw new DevnetException(what + " reverted: " + e.reason(), e);
        }
        TransactionReceipt receipt = awaitReceipt(what, hash);
        if (!receipt.success()) {
            throw new DevnetException(what + " reverted on chain (tx " + hash + ", block " + receipt.blockNumber() + ", gas used "
                    + receipt.gasUsed() + (request.gas() == null ? "" : " of " + request.gas()) + "): " + replayed(request, receipt.blockNumber()));
        }
        return receipt;
    }

    /** Why a mined transaction reverted, as far as replaying it on its parent block's state tells (the receipt does not say). */
    private String replayed(CallRequest request, long block) {
        try {
            chain.call(request, BlockTag.number(block - 1));
            return "replayed on block " + (block - 1) + " it passes (out of gas if all the gas was used; else its block's timestamp or an earlier "
                    + "transaction of that block differs)";
        } catch (CallRevertedException e) {
            return "replayed on block " + (block - 1) + ": " + e.reason();
        } catch (RuntimeException e) {
            return "not replayable (" + e.getMessage() + ")";
        }
    }

    /** Anvil mines an automined transaction right after answering, so the receipt may lag the hash a little. */
    private TransactionReceipt awaitReceipt(String what, String hash) {
        long deadline = System.nanoTime() + RECEIPT_TIMEOUT_NANOS;
        while (true) {
            Optional<TransactionReceipt> receipt = chain.receipt(hash);
            if (receipt.isPresent()) {
                return receipt.get();
            }
            if (System.nanoTime() > deadline) {
                throw new DevnetException(what + ": transaction " + hash + " was not mined within 10 s (is automine on?)");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DevnetException("interrupted while waiting for " + what, e);
            }
        }
    }
}
