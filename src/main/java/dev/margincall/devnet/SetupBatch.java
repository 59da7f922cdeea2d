package dev.margincall.devnet;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many devnet setup transactions mined together: with automine off they go into the pool and are mined in
 * FIFO order in as few blocks as the gas limit allows, then every one is checked. One transaction per
 * block gets slow as state grows (DESIGN.md); a batch of thousands takes seconds.
 *
 * <p>Each transaction is checked by its events, not its receipt: Anvil 1.7 builds a receipt in time linear in
 * its block's transactions, so the receipts of a block of n cost n² (measured: 184 s of the 225 s that seeding
 * 10,000 borrowers took; 2.6 s for one block of 2,000 transfers), while a block's logs come in one linear
 * {@code eth_getLogs}. Every setup call emits an event from the contract it calls (mint and transfer:
 * {@code Transfer}; approve: {@code Approval}; Aave and Morpho operations: their own events), and a reverted
 * transaction leaves no log, so "an event from its target" means it was mined and did not revert.
 */
final class SetupBatch {

    private static final Logger log = LoggerFactory.getLogger(SetupBatch.class);
    /** A fee cap far above the base fee keeps the transactions valid while full setup blocks push the base fee up. */
    private static final BigInteger SETUP_MAX_FEE = BigInteger.valueOf(1_000_000_000_000L); // 1,000 gwei

    /** A large seeding takes minutes: a progress line every this many blocks. */
    private static final int PROGRESS_BLOCKS = 100;

    private record Queued(String what, Address from, Address to, String data, long gas) {
    }

    private final DevChain chain;
    private final List<Queued> queued = new ArrayList<>();

    SetupBatch(DevChain chain) {
        this.chain = chain;
    }

    /** Queues a transaction from an unlocked (impersonated) account; each sender's transactions keep the order added. */
    void add(String what, Address from, Address to, String data, long gas) {
        queued.add(new Queued(what, from, to, data, gas));
    }

    int size() {
        return queued.size();
    }

    /** Mines every queued transaction and fails naming the first that reverted; returns the number of blocks mined. */
    int mineAll() {
        if (queued.isEmpty()) {
            return 0;
        }
        List<CallRequest> transactions = numbered();
        BigInteger blockGasLimit = chain.block(BlockTag.LATEST).gasLimit();
        int blocks = 0;
        long sendNanos = 0;
        long mineNanos = 0;
        long checkNanos = 0;
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
                long t0 = System.nanoTime();
                List<String> hashes = chain.sendTransactions(transactions.subList(waveStart, waveEnd));
                long t1 = System.nanoTime();
                chain.mine();
                long t2 = System.nanoTime();
                long left = chain.pendingTransactionCount();
                if (left > 0) {
                    throw new DevnetException(left + " seeding transactions were not mined in their block");
                }
                requireEvents(chain.block(BlockTag.LATEST), queued.subList(waveStart, waveEnd), hashes);
                checkNanos += System.nanoTime() - t2;
                sendNanos += t1 - t0;
                mineNanos += t2 - t1;
                blocks++;
                if (blocks % PROGRESS_BLOCKS == 0) {
                    log.info("setup: {} blocks, {} of {} transactions", blocks, waveEnd, transactions.size());
                }
                waveStart = waveEnd;
            }
        } finally {
            chain.setAutomine(true);
        }
        log.info("{} setup transactions in {} blocks: sending {} ms, mining {} ms, checking {} ms", transactions.size(), blocks,
                sendNanos / 1_000_000, mineNanos / 1_000_000, checkNanos / 1_000_000);
        return blocks;
    }

    /**
     * The queue with nonces. With automine off Anvil numbers from the latest state, not the pool: each sender's
     * transactions are numbered here, in the order added, from its count read for all senders in one batch.
     */
    private List<CallRequest> numbered() {
        List<Address> senders = List.copyOf(new LinkedHashSet<>(queued.stream().map(Queued::from).toList()));
        List<Long> counts = chain.transactionCounts(senders, BlockTag.LATEST);
        Map<Address, Long> nextNonce = new HashMap<>();
        for (int i = 0; i < senders.size(); i++) {
            nextNonce.put(senders.get(i), counts.get(i));
        }
        List<CallRequest> out = new ArrayList<>(queued.size());
        for (Queued q : queued) {
            long nonce = nextNonce.merge(q.from(), 1L, Long::sum) - 1;
            out.add(new CallRequest(q.from(), q.to(), q.data(), null, BigInteger.valueOf(q.gas())).withNonce(nonce)
                    .withFees(SETUP_MAX_FEE, BigInteger.ZERO));
        }
        return out;
    }

    /** Fails naming the first of {@code wave} (sent as {@code hashes}) that left no event from its target in {@code block}. */
    private void requireEvents(BlockHeader block, List<Queued> wave, List<String> hashes) {
        List<Address> targets = List.copyOf(new LinkedHashSet<>(wave.stream().map(Queued::to).toList()));
        Set<String> emitted = new HashSet<>();
        for (LogEntry entry : chain.logsOfBlock(block.hash(), targets, List.of())) {
            emitted.add(entry.transactionHash().toLowerCase(Locale.ROOT) + entry.address().hex());
        }
        for (int i = 0; i < wave.size(); i++) {
            if (!emitted.contains(hashes.get(i).toLowerCase(Locale.ROOT) + wave.get(i).to().hex())) {
                throw new DevnetException(wave.get(i).what() + " reverted or was not mined in block " + block.number()
                        + ": no event from " + wave.get(i).to() + " (tx " + hashes.get(i) + ")");
            }
        }
    }
}
