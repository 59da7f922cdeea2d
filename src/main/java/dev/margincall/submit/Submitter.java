package dev.margincall.submit;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.RpcException;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.crypto.Hash;

/**
 * Sends liquidations and sees them through. Before every send the exact transaction is simulated
 * (a block's liquidations together, in nonce order, at the next block's time: {@link LiquidationSimulator});
 * a failed simulation is never sent. Fees follow {@link FeePolicy}. One transaction in flight per account; each block the
 * receipts of all in-flight transactions are fetched in one batch; a transaction not mined after
 * {@code replaceAfterBlocks} is simulated again and replaced at the same nonce with bumped fees, or,
 * when the opportunity is gone, cancelled by a 0-value self-transfer at that nonce, so the nonce never
 * stays stuck. After any failure the account waits (exponential backoff in blocks) before the next try.
 * In dry-run it stops after simulation and pricing, and never calls {@code eth_sendRawTransaction}.
 */
public final class Submitter implements AutoCloseable {

    /**
     * @param replaceAfterBlocks  blocks a transaction may wait before it is re-simulated and replaced or cancelled
     * @param maxReplacements     fee bumps of one liquidation before it is cancelled instead
     * @param backoffBlocks       blocks an account waits after its first failure (doubling, up to 64×)
     * @param gasLimitMarginPct   gas limit = estimate + this share
     */
    public record Settings(long chainId, int replaceAfterBlocks, int maxReplacements, int backoffBlocks, int gasLimitMarginPct, boolean dryRun) {

        public static Settings defaults(long chainId, boolean dryRun) {
            return new Settings(chainId, 2, 5, 4, 25, dryRun);
        }

        /** Blocks after which an expired back-off is forgotten (its failure count with it): the longest back-off there is. */
        long forgetBackoffAfter() {
            return (long) backoffBlocks << 6;
        }
    }

    /** Mined liquidations are remembered this many blocks, so a reorg that removes one puts it back in flight. */
    static final int REORG_MEMORY_BLOCKS = 256;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Submitter.class);
    private static final BigInteger CANCEL_GAS = BigInteger.valueOf(21_000);
    private static final int FEE_HISTORY_BLOCKS = 5;

    private final EthRpc rpc;
    private final TransactionSigner signer;
    private final Address from;
    private final NonceManager nonces;
    private final FeePolicy feePolicy;
    private final Settings settings;
    private final SubmitEvents events;
    private final Map<PositionId, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<PositionId, Backoff> backoffs = new ConcurrentHashMap<>();
    private final LiquidationSimulator simulator;
    private final SendJournal journal;
    private final java.util.Deque<Settled> recentlyMined = new java.util.ArrayDeque<>();
    private long marketBlock = -1;
    private FeePolicy.MarketFees market;

    /** A submitter that journals nothing and has no setup to simulate: one-off commands and tests. */
    public Submitter(EthRpc rpc, TransactionSigner signer, Address from, FeePolicy feePolicy, Settings settings, SubmitEvents events) {
        this(rpc, signer, from, feePolicy, settings, events, SendJournal.none(), List.of());
    }

    /**
     * @param signer  null in dry-run (nothing is signed); {@code from} is then the account simulations run as
     * @param journal where each signed transaction is recorded before it is sent ({@link #recoverFromJournal()} reads it back)
     * @param setup   dry-run: the calls run would send before any liquidation (token approvals), simulated ahead of each bundle
     */
    public Submitter(EthRpc rpc, TransactionSigner signer, Address from, FeePolicy feePolicy, Settings settings, SubmitEvents events,
                     SendJournal journal, List<CallRequest> setup) {
        if (signer == null && !settings.dryRun()) {
            throw new IllegalArgumentException("a signer is needed unless in dry-run");
        }
        this.rpc = rpc;
        this.signer = signer;
        this.from = signer == null ? from : signer.address();
        this.nonces = new NonceManager(rpc, this.from);
        this.feePolicy = feePolicy;
        this.settings = settings;
        this.events = events;
        this.simulator = new LiquidationSimulator(rpc, this.from, settings.gasLimitMarginPct(), setup);
        this.journal = journal;
    }

    /**
     * After a restart: every transaction the journal holds whose nonce the chain has not mined yet is in
     * flight again, at its nonce, with all its attempts; the next head settles, re-broadcasts or cancels
     * it as for any transaction that waited too long (re-simulated first: one whose opportunity is gone is
     * cancelled, never re-sent). New transactions take nonces above the journal's. Returns how many.
     */
    public int recoverFromJournal() {
        List<SendJournal.Entry> entries = journal.recovered();
        if (entries.isEmpty()) {
            return 0;
        }
        long mined = rpc.transactionCount(from, BlockTag.LATEST);
        Map<Long, List<SendJournal.Entry>> byNonce = new java.util.TreeMap<>();
        entries.stream().filter(e -> e.nonce() >= mined).forEach(e -> byNonce.computeIfAbsent(e.nonce(), n -> new ArrayList<>()).add(e));
        List<SendJournal.Entry> kept = new ArrayList<>();
        byNonce.forEach((nonce, all) -> {
            // a send the node refused left its line, and the nonce went to the next liquidation: the last one owns it
            PositionId owner = all.get(all.size() - 1).liquidation().position();
            List<SendJournal.Entry> attempts = all.stream().filter(e -> e.liquidation().position().equals(owner)).toList();
            SendJournal.Entry first = attempts.get(0);
            InFlight flight = new InFlight(first.liquidation(), nonce, first.gasLimit(), Long.MIN_VALUE / 2);
            attempts.forEach(a -> flight.attempts.add(new Attempt(a.hash(), a.raw(), a.fees(), a.cancel())));
            inFlight.put(first.liquidation().position(), flight);
            kept.addAll(attempts);
            nonces.atLeast(nonce + 1);
        });
        journal.rewrite(kept);
        log.atInfo().addKeyValue("event", "recovered")
                .addKeyValue("inFlight", byNonce.size()).addKeyValue("minedNonce", mined)
                .log("send journal: " + byNonce.size() + " transaction(s) sent before the restart and not mined yet are tracked again");
        return byNonce.size();
    }

    public Address from() {
        return from;
    }

    /** False while the position has a transaction in flight or is backing off after a failure. */
    public boolean accepting(PositionId position, long block) {
        Backoff backoff = backoffs.get(position);
        return !inFlight.containsKey(position) && (backoff == null || block >= backoff.untilBlock);
    }

    /** The liquidations in flight (the planner subtracts what they will pull from the wallet). */
    public List<Liquidation> inFlightLiquidations() {
        return inFlight.values().stream().map(f -> f.liquidation).toList();
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /**
     * Many liquidations of one block, in the order given, which is the nonce order the chain executes
     * them in: simulated together ({@link LiquidationSimulator}), priced, then sent one after another.
     * One answer per liquidation: the transaction hash, or empty where nothing was sent.
     *
     * @param nextTimestamp the time the next block will carry (the simulation runs at it; 0: the node's choice)
     */
    public List<Optional<String>> submitAll(List<Liquidation> liquidations, BlockHeader head, long nextTimestamp) {
        FeePolicy.MarketFees fees = marketFees(head);
        List<Liquidation> accepted = liquidations.stream().filter(l -> accepting(l.position(), head.number())).toList();
        List<Optional<LiquidationSimulator.Simulated>> simulated = simulator.simulate(accepted, nextTimestamp,
                (liquidation, reason) -> fail(liquidation, head, RejectReason.SIMULATION_FAILED, reason));
        Map<Liquidation, String> sent = new HashMap<>();
        for (int i = 0; i < accepted.size(); i++) {
            Liquidation liquidation = accepted.get(i);
            simulated.get(i).flatMap(s -> price(liquidation, s, head, fees)).flatMap(p -> broadcast(p, head))
                    .ifPresent(hash -> sent.put(liquidation, hash));
        }
        if (!sent.isEmpty()) {
            journal.sync();
        }
        return liquidations.stream().map(l -> Optional.ofNullable(sent.get(l))).toList();
    }

    /** Gas and fees of one simulated liquidation; empty when it must not be sent (the reason went to the events). */
    private Optional<Prepared> price(Liquidation liquidation, LiquidationSimulator.Simulated simulated, BlockHeader head, FeePolicy.MarketFees fees) {
        events.simulated(liquidation, simulated.gasUsed());
        BigInteger expectedGasWei = simulated.gasUsed().multiply(fees.nextBaseFee().add(fees.tip()));
        if (liquidation.grossProfitWei().subtract(expectedGasWei).compareTo(liquidation.minProfitWei()) < 0) {
            fail(liquidation, head, RejectReason.NOT_PROFITABLE, "gas of " + simulated.gasUsed() + " at " + fees.nextBaseFee().add(fees.tip())
                    + " wei leaves less than the minimum profit of " + liquidation.minProfitWei() + " wei (gross " + liquidation.grossProfitWei() + " wei)");
            return Optional.empty();
        }
        Optional<Fees> priced = feePolicy.price(fees, liquidation.grossProfitWei(), liquidation.minProfitWei(), simulated.gasLimit());
        if (priced.isEmpty()) {
            fail(liquidation, head, RejectReason.GAS_TOO_EXPENSIVE, "next base fee " + fees.nextBaseFee() + " wei is above the profit cap");
            return Optional.empty();
        }
        CallRequest tx = new CallRequest(from, liquidation.to(), liquidation.data(), BigInteger.ZERO, simulated.gasLimit())
                .withFees(priced.get().maxFeePerGas(), priced.get().maxPriorityFeePerGas());
        return Optional.of(new Prepared(liquidation, tx, priced.get()));
    }

    private Optional<String> broadcast(Prepared prepared, BlockHeader head) {
        Liquidation liquidation = prepared.liquidation;
        if (settings.dryRun()) {
            events.wouldSend(liquidation, prepared.tx.gas(), prepared.fees);
            backOff(liquidation.position(), head.number());
            return Optional.empty();
        }
        if (inFlight.containsKey(liquidation.position())) {
            return Optional.empty(); // one transaction per account: never a second, untracked one
        }
        Optional<Sent> sent = sendNew(prepared.tx, liquidation, prepared.fees, head.number());
        if (sent.isEmpty()) {
            fail(liquidation, head, RejectReason.SIMULATION_FAILED, "the node refused the transaction");
            return Optional.empty();
        }
        InFlight flight = new InFlight(liquidation, sent.get().nonce, prepared.tx.gas(), head.number());
        flight.attempts.add(new Attempt(sent.get().hash, sent.get().raw, prepared.fees, false));
        inFlight.put(liquidation.position(), flight);
        events.sent(liquidation, sent.get().hash, sent.get().nonce, prepared.fees, prepared.tx.gas());
        return Optional.of(sent.get().hash);
    }

    private record Prepared(Liquidation liquidation, CallRequest tx, Fees fees) {
    }

    /** Stops the simulation threads and leaves the journal holding what is still in flight (the runtime closes it with everything else). */
    @Override
    public void close() {
        simulator.close();
        journal.rewrite(journalEntries()); // what is still in flight, for the next start
        journal.close();
    }

    /**
     * A setup transaction (e.g. a token approval) outside the liquidation flow: simulated, priced at the
     * market (no profit cap: it earns nothing by itself), sent and awaited. Not for dry-run.
     */
    public TransactionReceipt execute(Address to, String data, String what, java.time.Duration timeout) {
        if (settings.dryRun()) {
            throw new IllegalStateException("dry-run sends nothing: " + what);
        }
        CallRequest body = new CallRequest(from, to, data, BigInteger.ZERO, null);
        BigInteger gas;
        try {
            rpc.call(body, BlockTag.LATEST);
            gas = rpc.estimateGas(body);
        } catch (CallRevertedException e) {
            throw new IllegalStateException(what + " would revert: " + e.reason());
        }
        FeePolicy.MarketFees fees = feePolicy.market(rpc.feeHistory(FEE_HISTORY_BLOCKS, BlockTag.LATEST, feePolicy.percentiles()));
        BigInteger maxFee = fees.wantedMaxFee();
        CallRequest tx = body.withGas(gas.multiply(BigInteger.valueOf(100L + settings.gasLimitMarginPct())).divide(BigInteger.valueOf(100)))
                .withFees(maxFee, fees.tip());
        Sent sent = sendNew(tx).orElseThrow(() -> new IllegalStateException("the node refused " + what));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> receipt = rpc.receipt(sent.hash);
            if (receipt.isPresent()) {
                if (!receipt.get().success()) {
                    throw new IllegalStateException(what + " reverted on chain (tx " + sent.hash + ")");
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
        throw new IllegalStateException(what + " (tx " + sent.hash + ") was not mined within " + timeout.toSeconds() + " s");
    }

    /**
     * Each new head: settle transactions mined up to it, replace or cancel the ones that wait too long.
     * A transaction the node reports mined in a later block than {@code head} stays in flight: the book
     * has not applied that block yet, so its account must not be planned again from older numbers.
     */
    public void onHead(BlockHeader head) {
        forgetOld(head.number());
        if (inFlight.isEmpty()) {
            return;
        }
        List<InFlight> flights = new ArrayList<>(inFlight.values());
        List<String> hashes = flights.stream().flatMap(f -> f.attempts.stream().map(a -> a.hash)).toList();
        List<Optional<TransactionReceipt>> receipts = rpc.receipts(hashes);
        Map<String, TransactionReceipt> mined = new HashMap<>();
        for (int i = 0; i < hashes.size(); i++) {
            int index = i;
            receipts.get(i).ifPresent(r -> mined.put(hashes.get(index), r));
        }
        Long minedNonces = null;
        for (InFlight flight : flights) {
            Optional<Attempt> landed = flight.attempts.stream().filter(a -> mined.containsKey(a.hash)).findFirst();
            if (landed.isPresent()) {
                TransactionReceipt receipt = mined.get(landed.get().hash);
                if (receipt.blockNumber() <= head.number()) {
                    settle(flight, landed.get(), receipt, head);
                }
                continue;
            }
            if (head.number() - flight.lastSentBlock < settings.replaceAfterBlocks()) {
                continue;
            }
            if (minedNonces == null) {
                minedNonces = nonces.minedCount(head.number());
            }
            if (flight.nonce < minedNonces) {
                // Our nonce is used and none of our attempts carries it: another transaction of this account took it.
                inFlight.remove(flight.liquidation.position());
                events.dropped(flight.liquidation, flight.nonce);
                backOff(flight.liquidation.position(), head.number());
                nonces.invalidate();
                continue;
            }
            replaceOrCancel(flight, head);
        }
        if (journal.lines() > 4 * (inFlight.size() + 64)) {
            journal.rewrite(journalEntries());
        }
    }

    /**
     * Blocks after {@code commonAncestor} left the chain. Our liquidations mined in them are in flight
     * again at their nonces: the next head finds them re-mined, or re-simulates them on the new chain and
     * re-broadcasts (still liquidatable) or cancels (not any more). The local nonce is taken from the chain again.
     */
    public void onRollback(dev.margincall.core.BlockRef commonAncestor) {
        nonces.invalidate();
        for (java.util.Iterator<Settled> it = recentlyMined.iterator(); it.hasNext(); ) {
            Settled settled = it.next();
            if (settled.block > commonAncestor.number()) {
                it.remove();
                settled.flight.lastSentBlock = Long.MIN_VALUE / 2; // due at the next head
                inFlight.put(settled.flight.liquidation.position(), settled.flight);
                events.reorged(settled.flight.liquidation, settled.hash, settled.block);
            }
        }
    }

    /** Expired back-offs long past and mined liquidations older than any reorg we follow: kept bounded. */
    private void forgetOld(long head) {
        backoffs.values().removeIf(b -> head > b.untilBlock + settings.forgetBackoffAfter());
        while (!recentlyMined.isEmpty() && recentlyMined.peekFirst().block < head - REORG_MEMORY_BLOCKS) {
            recentlyMined.removeFirst();
        }
    }

    private List<SendJournal.Entry> journalEntries() {
        List<SendJournal.Entry> entries = new ArrayList<>();
        for (InFlight flight : inFlight.values()) {
            for (Attempt attempt : flight.attempts) {
                entries.add(new SendJournal.Entry(flight.nonce, attempt.hash, attempt.raw, attempt.fees, attempt.cancel,
                        attempt.cancel ? CANCEL_GAS : flight.gasLimit, flight.lastSentBlock, flight.liquidation));
            }
        }
        return entries;
    }

    private void settle(InFlight flight, Attempt attempt, TransactionReceipt receipt, BlockHeader head) {
        PositionId account = flight.liquidation.position();
        inFlight.remove(account);
        if (attempt.cancel) {
            events.cancelled(flight.liquidation, receipt);
            backOff(account, head.number());
        } else if (receipt.success()) {
            backoffs.remove(account);
            recentlyMined.addLast(new Settled(flight, attempt.hash, receipt.blockNumber()));
            events.mined(flight.liquidation, receipt);
        } else {
            events.reverted(flight.liquidation, receipt);
            backOff(account, head.number());
        }
    }

    /**
     * A transaction not mined after {@code replaceAfterBlocks}. Ours go out in nonce order, so one waits
     * either because its fee is below the market (bump it) or because an earlier nonce of ours waits
     * (re-broadcast it unchanged, in case the node dropped it, and let the earlier one's bump free it).
     * A liquidation whose opportunity is gone is cancelled whatever its fee.
     */
    private void replaceOrCancel(InFlight flight, BlockHeader head) {
        Attempt last = flight.attempts.get(flight.attempts.size() - 1);
        FeePolicy.MarketFees market = marketFees(head);
        boolean underpriced = last.fees.maxFeePerGas().compareTo(market.nextBaseFee().add(market.tip())) < 0;
        if (last.cancel) {
            if (underpriced) {
                cancel(flight, last.fees, market, head, "the previous cancellation was underpriced");
            } else {
                rebroadcast(flight, last, head);
            }
            return;
        }
        Optional<String> gone = stillValid(flight.liquidation);
        if (gone.isPresent()) {
            cancel(flight, last.fees, market, head, gone.get());
            return;
        }
        if (!underpriced) {
            rebroadcast(flight, last, head);
            return;
        }
        int replacements = flight.attempts.size() - 1;
        Optional<Fees> bumped = replacements < settings.maxReplacements()
                ? feePolicy.bump(last.fees, market, flight.liquidation.grossProfitWei(), flight.liquidation.minProfitWei(), flight.gasLimit) : Optional.empty();
        if (bumped.isEmpty()) {
            cancel(flight, last.fees, market, head, replacements >= settings.maxReplacements()
                    ? "replaced " + replacements + " times without being mined" : "the fee needed now is above the profit cap");
            return;
        }
        CallRequest tx = new CallRequest(from, flight.liquidation.to(), flight.liquidation.data(), BigInteger.ZERO, flight.gasLimit,
                flight.nonce, bumped.get().maxFeePerGas(), bumped.get().maxPriorityFeePerGas());
        send(tx, flight, bumped.get(), false, head.number()).ifPresent(sent -> {
            flight.attempts.add(new Attempt(sent.hash, sent.raw, bumped.get(), false));
            flight.lastSentBlock = head.number();
            events.replaced(flight.liquidation, last.hash, sent.hash, bumped.get());
        });
    }

    private void rebroadcast(InFlight flight, Attempt attempt, BlockHeader head) {
        try {
            rpc.sendRawTransaction(attempt.raw);
        } catch (RpcException e) {
            // "already known" (still pooled) or "nonce too low" (mined meanwhile): the receipts decide next block
        }
        flight.lastSentBlock = head.number();
    }

    private void cancel(InFlight flight, Fees stuck, FeePolicy.MarketFees market, BlockHeader head, String why) {
        Fees fees = feePolicy.cancel(stuck, market);
        CallRequest tx = new CallRequest(from, from, "0x", BigInteger.ZERO, CANCEL_GAS, flight.nonce, fees.maxFeePerGas(), fees.maxPriorityFeePerGas());
        send(tx, flight, fees, true, head.number()).ifPresent(sent -> {
            flight.attempts.add(new Attempt(sent.hash, sent.raw, fees, true));
            flight.lastSentBlock = head.number();
            events.cancelling(flight.liquidation, sent.hash, flight.nonce, fees, why);
        });
    }

    /** Empty when the liquidation would still succeed now; else the revert reason. */
    private Optional<String> stillValid(Liquidation liquidation) {
        try {
            rpc.call(new CallRequest(from, liquidation.to(), liquidation.data(), BigInteger.ZERO, null), BlockTag.LATEST);
            return Optional.empty();
        } catch (CallRevertedException e) {
            return Optional.of("re-simulation reverts: " + e.reason());
        }
    }

    /** A setup transaction (not journaled: it is awaited, and the next start checks what it set up). */
    private Optional<Sent> sendNew(CallRequest body) {
        return sendNew(body, null, null, -1);
    }

    /**
     * A new transaction: takes a nonce, retries once with a fresh one if the node says the nonce is used.
     * A liquidation is journaled with its nonce before it goes out.
     */
    private Optional<Sent> sendNew(CallRequest body, Liquidation liquidation, Fees fees, long block) {
        for (int attempt = 0; attempt < 2; attempt++) {
            long nonce = nonces.take();
            String raw = signer.sign(settings.chainId(), body.withNonce(nonce));
            Sent sent = new Sent(Hash.sha3(raw), raw, nonce);
            try {
                if (liquidation != null) {
                    journal.append(new SendJournal.Entry(nonce, sent.hash, raw, fees, false, body.gas(), block, liquidation));
                }
                broadcastRaw(raw);
                return Optional.of(sent);
            } catch (RpcException e) {
                if (e.code() == RpcException.TRANSPORT) {
                    // the node may have it: tracked like a sent one (receipts, replacement and cancellation settle it)
                    return Optional.of(sent);
                }
                nonces.invalidate(); // the next take reads the chain's count: no gap, no reuse
                if (!nonceConflict(e)) {
                    return Optional.empty();
                }
            } catch (RuntimeException e) {
                nonces.invalidate();
                throw e;
            }
        }
        return Optional.empty();
    }

    /** A replacement or cancellation at a nonce already ours, journaled before it goes out. */
    private Optional<Signed> send(CallRequest tx, InFlight flight, Fees fees, boolean cancel, long block) {
        String raw = signer.sign(settings.chainId(), tx);
        Signed signed = new Signed(Hash.sha3(raw), raw);
        journal.append(new SendJournal.Entry(flight.nonce, signed.hash, raw, fees, cancel, tx.gas(), block, flight.liquidation));
        try {
            broadcastRaw(raw);
            return Optional.of(signed);
        } catch (RpcException e) {
            return Optional.empty(); // e.g. "replacement underpriced" or already mined: the next block decides
        }
    }

    /** eth_sendRawTransaction; "already known" means the node has it: that is success. */
    private void broadcastRaw(String raw) {
        try {
            rpc.sendRawTransaction(raw);
        } catch (RpcException e) {
            if (!message(e).contains("already known") && !message(e).contains("known transaction")) {
                throw e;
            }
        }
    }

    private static boolean nonceConflict(RpcException e) {
        String message = message(e);
        return message.contains("nonce too low") || message.contains("replacement transaction underpriced") || message.contains("nonce has already been used");
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    }

    private void fail(Liquidation liquidation, BlockHeader head, RejectReason reason, String detail) {
        events.rejected(liquidation, reason, detail);
        backOff(liquidation.position(), head.number());
    }

    private void backOff(PositionId account, long block) {
        backoffs.compute(account, (a, previous) -> {
            int failures = previous == null ? 1 : Math.min(previous.failures + 1, 7);
            return new Backoff(block + ((long) settings.backoffBlocks() << (failures - 1)), failures);
        });
    }

    /** What the network asks for the next block (one {@code eth_feeHistory} per block, shared with the planner). */
    public FeePolicy.MarketFees marketFees(BlockHeader head) {
        if (marketBlock != head.number()) {
            market = feePolicy.market(rpc.feeHistory(FEE_HISTORY_BLOCKS, BlockTag.LATEST, feePolicy.percentiles()));
            marketBlock = head.number();
        }
        return market;
    }

    private record Sent(String hash, String raw, long nonce) {
    }

    private record Signed(String hash, String raw) {
    }

    private record Attempt(String hash, String raw, Fees fees, boolean cancel) {
    }

    private record Backoff(long untilBlock, int failures) {
    }

    private record Settled(InFlight flight, String hash, long block) {
    }

    private static final class InFlight {
        final Liquidation liquidation;
        final long nonce;
        final BigInteger gasLimit;
        final List<Attempt> attempts = new ArrayList<>();
        long lastSentBlock;

        InFlight(Liquidation liquidation, long nonce, BigInteger gasLimit, long sentBlock) {
            this.liquidation = liquidation;
            this.nonce = nonce;
            this.gasLimit = gasLimit;
            this.lastSentBlock = sentBlock;
        }
    }
}
