package dev.margincall.app;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;
import dev.margincall.submit.TransactionSigner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the bench's naive bots run, whatever the protocol: poll the block number, work on the newest block only
 * (blocks it was too slow for are skipped), sign and send with a local nonce re-read from the chain after a failed
 * send. What it does with a block is the protocol's ({@link NaiveKeeper}, {@link NaiveMorphoKeeper}).
 */
abstract class PollingNaiveBot implements NaiveBot {

    private static final Logger log = LoggerFactory.getLogger(PollingNaiveBot.class);

    protected final EthRpc rpc;
    private final TransactionSigner signer;
    private final long chainId;
    private final Duration pollInterval;
    private final NaiveKeeper.Probe probe;
    private final String name;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong processedBlock = new AtomicLong(-1);
    private volatile boolean running = true;
    private Thread thread;
    private long nonce;

    PollingNaiveBot(String name, EthRpc rpc, TransactionSigner signer, long chainId, Duration pollInterval, NaiveKeeper.Probe probe) {
        this.name = name;
        this.rpc = rpc;
        this.signer = signer;
        this.chainId = chainId;
        this.pollInterval = pollInterval;
        this.probe = probe;
    }

    /** One new head: read, decide, {@link #send}. */
    protected abstract void onBlock(long number, long seenNanos);

    protected NaiveKeeper.Probe probe() {
        return probe;
    }

    protected Address from() {
        return signer.address();
    }

    protected long nonce() {
        return nonce;
    }

    /** Signs {@code tx} (its nonce {@link #nonce()}) and sends it; the probe sees the send. */
    protected void send(Address user, long headBlock, CallRequest tx) {
        try {
            rpc.sendRawTransaction(signer.sign(chainId, tx));
            nonce++;
            sent.incrementAndGet();
            probe.sent(user, headBlock, System.nanoTime());
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            log.warn("{}: sending a liquidation of {} failed: {}", name, user, e.getMessage());
            nonce = rpc.transactionCount(signer.address(), BlockTag.PENDING);
        }
    }

    @Override
    public void start() {
        nonce = rpc.transactionCount(signer.address(), BlockTag.PENDING);
        long start = rpc.blockNumber();
        processedBlock.set(start);
        thread = Thread.ofPlatform().daemon().name(name).start(() -> loop(start));
    }

    @Override
    public long processedBlock() {
        return processedBlock.get();
    }

    public long sentCount() {
        return sent.get();
    }

    @Override
    public long errorCount() {
        return errors.get();
    }

    private void loop(long start) {
        long last = start;
        while (running) {
            try {
                long head = rpc.blockNumber();
                if (head > last) {
                    last = head;
                    onBlock(head, System.nanoTime());
                    processedBlock.set(head);
                } else {
                    Thread.sleep(pollInterval);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                errors.incrementAndGet();
                log.warn("{}: {}", name, e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
