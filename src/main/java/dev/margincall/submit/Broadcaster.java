package dev.margincall.submit;

import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.RpcErrorKind;
import dev.margincall.chain.RpcErrors;
import dev.margincall.chain.RpcException;
import dev.margincall.chain.SendAnswer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;

/**
 * Signs and sends, owning the nonce: a new transaction takes the next nonce (a local counter, taken from
 * the chain again after any error), is written to the send journal, then goes out; a node that says the
 * nonce is used gets one more try with a fresh one, so no nonce is skipped or reused. Replacements and
 * cancellations reuse their flight's nonce.
 */
final class Broadcaster {

    private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);

    /** A 0-value self-transfer: what a cancellation at a stuck nonce costs. */
    static final BigInteger CANCEL_GAS = BigInteger.valueOf(21_000);

    /** A transaction signed and sent (or maybe sent: the node's answer was lost). */
    record Sent(String hash, String raw, long nonce) {
    }

    private final EthRpc rpc;
    private final TransactionSigner signer;
    private final long chainId;
    private final NonceManager nonces;
    private final SendJournal journal;

    Broadcaster(EthRpc rpc, TransactionSigner signer, long chainId, NonceManager nonces, SendJournal journal) {
        this.rpc = rpc;
        this.signer = signer;
        this.chainId = chainId;
        this.nonces = nonces;
        this.journal = journal;
    }

    /**
     * A new transaction at the next nonce; {@code record} says what the journal keeps of it (null: not journaled,
     * e.g. a setup transaction that is awaited). Empty when the node refused it.
     */
    Optional<Sent> sendNew(CallRequest body, Journaled record) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Sent sent = signed(body.withNonce(nonces.take()));
            try {
                journal(record, sent);
                send(sent.raw());
                return Optional.of(sent);
            } catch (RpcException e) {
                if (e.code() == RpcException.TRANSPORT) {
                    // the node may have it: tracked like a sent one (receipts, replacement and cancellation settle it)
                    return Optional.of(sent);
                }
                nonces.invalidate(); // the next take reads the chain's count: no gap, no reuse
                RpcErrorKind kind = RpcErrors.classify(e);
                if (kind == RpcErrorKind.NONCE_TOO_LOW && ours(sent)) {
                    // the node took this very transaction and mined it before a retried send (after a garbled answer)
                    // heard "nonce too low": it is ours and landed; sending it again at a new nonce would repeat it
                    return Optional.of(sent);
                }
                if (kind != RpcErrorKind.NONCE_TOO_LOW && kind != RpcErrorKind.REPLACEMENT_UNDERPRICED) {
                    return Optional.empty();
                }
            } catch (RuntimeException e) {
                nonces.invalidate();
                throw e;
            }
        }
        return Optional.empty();
    }

    /** A new transaction and what the journal keeps of it, for {@link #sendNewAll}. */
    record Outgoing(CallRequest body, Journaled record) {
    }

    /**
     * What became of one transaction of {@link #sendNewAll}: {@code sent} (or maybe sent: the node's answer was lost), or
     * refused ({@code sent} null) with the node's reason; {@code gapAt} is the nonce a refused one leaves empty below
     * later transactions of the batch the node did take (they wait behind it until something is mined there), else -1.
     */
    record Delivery(Sent sent, String refusal, long gapAt) {

        static Delivery of(Sent sent) {
            return new Delivery(sent, null, -1);
        }
    }

    /**
     * New transactions at consecutive nonces, each signed and journaled, then all sent in one JSON-RPC batch: one round
     * trip for all instead of one each (measured on Anvil 1.7.1, 275 signed ~0.3 KB transactions: 46–63 ms as one batch,
     * 118–242 ms one after another). The node takes them in order, each on its own answer. A refusal leaves its nonce
     * empty; when later ones of the batch were taken, that nonce is a gap the caller fills ({@link Delivery#gapAt}), as
     * the refusal of a single send leaves none (the next nonce is read from the chain). A transaction the node refused for
     * its nonce ("nonce too low" not ours, "replacement underpriced") is sent again alone at a fresh nonce, as
     * {@link #sendNew} does; one refused for a passing reason (rate limit) is sent again alone at its nonce.
     */
    List<Delivery> sendNewAll(List<Outgoing> outgoing) {
        if (outgoing.size() == 1) {
            Outgoing only = outgoing.get(0);
            return List.of(sendNew(only.body(), only.record()).map(Delivery::of).orElseGet(() -> new Delivery(null, "the node refused it", -1)));
        }
        List<Sent> signed = new ArrayList<>(outgoing.size());
        try {
            for (Outgoing tx : outgoing) {
                Sent sent = signed(tx.body().withNonce(nonces.take()));
                journal(tx.record(), sent);
                signed.add(sent);
            }
        } catch (RuntimeException e) {
            // nothing went out: the nonces taken are free again (a journaled line without a send is settled like a lost send)
            nonces.invalidate();
            return outgoing.stream().map(tx -> new Delivery(null, "not sent: " + e.getMessage(), -1)).toList();
        }
        List<SendAnswer> answers;
        try {
            answers = rpc.sendRawTransactions(signed.stream().map(Sent::raw).toList());
        } catch (RpcException e) {
            if (e.code() == RpcException.TRANSPORT || RpcErrors.classify(e).retryable()) {
                // any of them may have reached the node: tracked like sent ones (receipts, re-broadcast and cancellation settle
                // them), never left untracked; at worst one that never arrived waits replaceAfterBlocks to be sent again
                return signed.stream().map(Delivery::of).toList();
            }
            nonces.invalidate();
            return signed.stream().map(s -> new Delivery(null, e.getMessage(), -1)).toList(); // the batch as a whole was refused
        } catch (RuntimeException e) {
            // no answer to read: maybe sent, tracked rather than lost
            nonces.invalidate();
            return signed.stream().map(Delivery::of).toList();
        }
        return settleAnswers(outgoing, signed, answers);
    }

    /** Each transaction's fate from its answer in the batch, in nonce order; see {@link #sendNewAll}. */
    private List<Delivery> settleAnswers(List<Outgoing> outgoing, List<Sent> signed, List<SendAnswer> answers) {
        Delivery[] deliveries = new Delivery[signed.size()];
        List<Integer> atFreshNonce = new ArrayList<>();
        for (int i = 0; i < signed.size(); i++) {
            Sent sent = signed.get(i);
            RpcException error = answers.get(i).error();
            RpcErrorKind kind = error == null ? null : RpcErrors.classify(error);
            if (kind != null && kind.retryable()) {
                error = sendAgain(sent.raw());
                kind = error == null ? null : RpcErrors.classify(error);
            }
            if (error == null || kind == RpcErrorKind.ALREADY_KNOWN || (kind == RpcErrorKind.NONCE_TOO_LOW && ours(sent))) {
                deliveries[i] = Delivery.of(sent);
            } else if (kind == RpcErrorKind.NONCE_TOO_LOW || kind == RpcErrorKind.REPLACEMENT_UNDERPRICED) {
                atFreshNonce.add(i); // its nonce is taken by another transaction: no gap
            } else {
                deliveries[i] = new Delivery(null, error.getMessage(), -1);
            }
        }
        if (!atFreshNonce.isEmpty() || Arrays.stream(deliveries).anyMatch(d -> d != null && d.sent() == null)) {
            nonces.invalidate(); // the next take reads the chain's count
        }
        boolean gaps = false;
        for (int i = 0; i < deliveries.length; i++) {
            if (deliveries[i] != null && deliveries[i].sent() == null && takenAbove(deliveries, i)) {
                deliveries[i] = new Delivery(null, deliveries[i].refusal(), signed.get(i).nonce());
                gaps = true;
            }
        }
        for (int i : atFreshNonce) {
            // with a gap below, a fresh nonce read from the chain would be the gap's own, which the caller fills with a
            // cancellation: such a transaction backs off instead, and is planned again
            deliveries[i] = gaps ? new Delivery(null, "its nonce was taken, and a refused transaction's gap waits to be filled", -1)
                    : sendAtFreshNonce(outgoing.get(i));
        }
        return List.of(deliveries);
    }

    /** {@link #sendNew} for one transaction of a batch already on the wire: whatever fails, an answer for it (the batch's others stay tracked). */
    private Delivery sendAtFreshNonce(Outgoing tx) {
        try {
            return sendNew(tx.body(), tx.record()).map(Delivery::of).orElseGet(() -> new Delivery(null, "the node refused it", -1));
        } catch (RuntimeException e) {
            nonces.invalidate();
            return new Delivery(null, "not sent again at a fresh nonce: " + e.getMessage(), -1);
        }
    }

    /** A later transaction of the batch was taken (sent, maybe sent): the nonce at {@code index} holds it back if left empty. */
    private static boolean takenAbove(Delivery[] deliveries, int index) {
        for (int j = index + 1; j < deliveries.length; j++) {
            if (deliveries[j] != null && deliveries[j].sent() != null) {
                return true;
            }
        }
        return false;
    }

    /** One transaction of a batch again, alone (through the retrying endpoint): null when the node took it or its answer was lost. */
    private RpcException sendAgain(String raw) {
        try {
            send(raw);
            return null;
        } catch (RpcException e) {
            return e.code() == RpcException.TRANSPORT ? null : e;
        }
    }

    /** A replacement or cancellation at a nonce already ours, journaled before it goes out; empty when the node refused it. */
    Optional<Sent> sendAt(CallRequest tx, Journaled record) {
        Sent sent = signed(tx);
        journal.append(record.entry(sent));
        try {
            send(sent.raw());
            return Optional.of(sent);
        } catch (RpcException e) {
            return Optional.empty(); // e.g. "replacement underpriced" or already mined: the next head decides
        }
    }

    /** The same signed bytes again (a node may have dropped them); any answer is fine: the receipts decide. */
    void rebroadcast(String raw) {
        try {
            rpc.sendRawTransaction(raw);
        } catch (RpcException e) {
            // "already known" (still pooled) or "nonce too low" (mined meanwhile): the receipts decide next head
        }
    }

    /**
     * Signs one throwaway transaction, never sent: the first signature of a process loads the curve's classes and
     * tables (measured: 33 ms for the first liquidation of a bench run, then 1–3 ms), which belongs at start, not
     * between a crash's head and the wire.
     */
    void warmUp(dev.margincall.core.Address from) {
        if (signer != null) {
            signer.sign(chainId, new CallRequest(from, from, "0x", BigInteger.ZERO, CANCEL_GAS, 0L, BigInteger.ONE, BigInteger.ONE));
            Thread.ofPlatform().daemon(true).name("warm-up-signing").start(() -> warmUpSigning(from));
            try {
                knowNonce();
            } catch (RuntimeException e) {
                // a warm-up only: the first send reads it instead
                log.debug("nonce not read at start: {}", e.getMessage());
            }
        }
    }

    /** Throwaway signatures the signing warm-up makes, of transactions as large as a batch of liquidations (~3 KB of calldata). */
    private static final int WARM_UP_SIGNATURES = 500;
    private static final int WARM_UP_CALLDATA_BYTES = 3_000;

    /**
     * Signs many throwaway transactions the size of a batch, on a thread of its own, never sent: one signature loads the
     * code, but the JIT compiles it only after many. Measured (a throwaway harness signing 3,000-byte EIP-1559 transactions
     * in a fresh JVM after one small signature, as the start did before): the first 20 signatures took 53–60 ms together,
     * the first 7–8 ms, against 11–14 ms together after 200 throwaway ones and 6.3 ms after 1,000; then 0.14–0.36 ms each.
     * The bench's first crash sent its first 20 batches with 1–7 ms of signing each. 500: about 0.1–0.2 s of one core at
     * start, beside the keeper's first heads.
     */
    private void warmUpSigning(dev.margincall.core.Address from) {
        String calldata = "0x" + "5a".repeat(WARM_UP_CALLDATA_BYTES);
        try {
            for (int i = 0; i < WARM_UP_SIGNATURES; i++) {
                signer.sign(chainId, new CallRequest(from, from, calldata, BigInteger.ZERO, BigInteger.valueOf(3_000_000), (long) i,
                        BigInteger.valueOf(2_000_000_000L), BigInteger.ONE));
            }
        } catch (RuntimeException e) {
            log.debug("signing warm-up stopped: {}", e.toString()); // a warm-up only
        }
    }

    /** Signs {@code outgoing}'s transaction at nonce 0 and serializes its journal line, sending and writing nothing (a rehearsal); nothing without a signer. */
    void rehearse(Outgoing outgoing) {
        if (signer != null) {
            journal.serialize(outgoing.record().entry(signed(outgoing.body().withNonce(0))));
        }
    }

    /** The next nonce read from the chain now if it is not known ({@link NonceManager#ensureKnown}); nothing without a signer. */
    void knowNonce() {
        if (signer != null) {
            nonces.ensureKnown();
        }
    }

    /** The signer's nonce as of {@code block}: transactions below it are mined (by then). */
    long minedCount(long block) {
        return nonces.minedCount(block);
    }

    /** After a reorg or a dropped transaction: the next nonce comes from the chain again. */
    void forgetNonce() {
        nonces.invalidate();
    }

    /** New transactions take {@code nonce} or above (the journal's are ours already). */
    void nonceAtLeast(long nonce) {
        nonces.atLeast(nonce);
    }

    /** {@code tx} signed at its nonce, with its hash. */
    private Sent signed(CallRequest tx) {
        String raw = signer.sign(chainId, tx);
        return new Sent(Hash.sha3(raw), raw, tx.nonce());
    }

    /** Appends {@code sent}'s journal line, if {@code record} keeps one (null: a transaction not journaled). */
    private void journal(Journaled record, Sent sent) {
        if (record != null) {
            journal.append(record.entry(sent));
        }
    }

    /** This signed transaction is on chain (the node answered for it, whatever the send's answer said). */
    private boolean ours(Sent sent) {
        try {
            return rpc.receipt(sent.hash()).isPresent();
        } catch (RpcException e) {
            return false;
        }
    }

    /** eth_sendRawTransaction; "already known" means the node has it: that is success. */
    private void send(String raw) {
        try {
            rpc.sendRawTransaction(raw);
        } catch (RpcException e) {
            if (RpcErrors.classify(e) != RpcErrorKind.ALREADY_KNOWN) {
                throw e;
            }
        }
    }

    /** What the journal records of a signed transaction. */
    interface Journaled {
        SendJournal.Entry entry(Sent sent);
    }
}
