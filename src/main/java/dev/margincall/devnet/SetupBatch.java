package dev.margincall.devnet;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many devnet setup transactions mined together: with automine off they go into the pool and are mined in
 * FIFO order in as few blocks as the gas limit allows, then every one is checked. One transaction per
 * block gets slow as state grows (DESIGN.md); a batch of thousands takes seconds.
 */
final class SetupBatch {

    /** A fee cap far above the base fee keeps the transactions valid while full setup blocks push the base fee up. */
    private static final BigInteger SETUP_MAX_FEE = BigInteger.valueOf(1_000_000_000_000L); // 1,000 gwei

    private final DevChain chain;
    private final List<CallRequest> transactions = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();
    private final Map<Address, Long> nextNonce = new HashMap<>();

    SetupBatch(DevChain chain) {
        this.chain = chain;
    }

    /**
     * Queues a transaction from an unlocked (impersonated) account. With automine off Anvil numbers from the
     * latest state, not the pool: the batch numbers each sender's transactions itself, in the order added.
     */
    void add(String what, Address from, Address to, String data, long gas) {
        long nonce = nextNonce.computeIfAbsent(from, a -> chain.transactionCount(a, BlockTag.LATEST));
        nextNonce.put(from, nonce + 1);
        transactions.add(new CallRequest(from, to, data, null, BigInteger.valueOf(gas)).withNonce(nonce).withFees(SETUP_MAX_FEE, BigInteger.ZERO));
        descriptions.add(what);
    }

    int size() {
        return transactions.size();
    }

    /** Mines every queued transaction and fails naming the first that reverted; returns the number of blocks mined. */
    int mineAll() {
        if (transactions.isEmpty()) {
            return 0;
        }
        BigInteger blockGasLimit = chain.block(BlockTag.LATEST).gasLimit();
        List<String> hashes = new ArrayList<>(transactions.size());
        int blocks = 0;
        chain.setAutomine(false);
        try {
            // Anvil drops, rather than postpones, a pooled transaction that no longer fits the block
            // being mined; so each wave's gas limits add up to at most one block, and each wave is one block.
            int waveStart = 0;
            while (waveStart < transactions.size()) {
                int waveEnd = waveStart;
                BigInteger waveGas = BigInteger.ZERO;
                while (waveEnd < transactions.size() && waveGas.add(transactions.get(waveEnd).gas()).compareTo(blockGasLimit) <= 0) {
                    waveGas = waveGas.add(transactions.get(waveEnd).gas());
                    waveEnd++;
                }
                hashes.addAll(chain.sendTransactions(transactions.subList(waveStart, waveEnd)));
                chain.mine();
                blocks++;
                long left = chain.pendingTransactionCount();
                if (left > 0) {
                    throw new DevnetException(left + " seeding transactions were not mined in their block");
                }
                waveStart = waveEnd;
            }
        } finally {
            chain.setAutomine(true);
        }
        new Transactor(chain).requireAllSucceeded(hashes, descriptions);
        return blocks;
    }
}
