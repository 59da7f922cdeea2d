package dev.margincall.submit;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends liquidations and sees them through. Before every send the exact transaction is simulated
 * (a block's liquidations together, in nonce order, at the next block's time: {@link LiquidationSimulator});
 * a failed simulation is never sent. Fees follow {@link FeePolicy} ({@link FeeMarket}); signing, nonces and
 * the send journal are the {@link Broadcaster}'s; what is in flight and what backs off, the
 * {@link InFlightBook}'s. One transaction in flight per position; each head the receipts of all in-flight
 * transactions are fetched in one batch; a transaction not mined after {@code replaceAfterBlocks} is
 * simulated again and replaced at the same nonce with bumped fees, or, when the opportunity is gone,
 * cancelled by a 0-value self-transfer at that nonce, so the nonce never stays stuck. After any failure the
 * position waits (exponential backoff in blocks) before the next try. In dry-run it stops after simulation
 * and pricing, and never calls {@code eth_sendRawTransaction}.
 */
public final class Submitter implements AutoCloseable {

    /**
     * @param replaceAfterBlocks  blocks a transaction may wait before it is re-simulated and replaced or cancelled
     * @param maxReplacements     fee bumps of one liquidation before it is cancelled instead
     * @param backoffBlocks       blocks a position waits after its first failure (doubling, up to 64×)
     * @param gasLimitMarginPct   gas limit = estimate + this share
     */
    public record Settings(long chainId, int replaceAfterBlocks, int maxReplacements, int backoffBlocks, int gasLimitMarginPct, boolean dryRun) {

        public static Settings defaults(long chainId, boolean dryRun) {
            return new Settings(chainId, 2, 5, 4, 25, dryRun);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Submitter.class);

    private final EthRpc rpc;
    private final Address from;
    private final Settings settings;
    private final SubmitEvents events;
    private final FeeMarket fees;
    private final InFlightBook book;
    private final LiquidationSimulator simulator;
    private final SendJournal journal;
    private final Broadcaster broadcaster;
    private final SetupTransactions setupTransactions;

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
        this.from = signer == null ? from : signer.address();
        this.settings = settings;
        this.events = events;
        this.fees = new FeeMarket(rpc, feePolicy);
        this.book = new InFlightBook(settings.backoffBlocks());
        this.simulator = new LiquidationSimulator(rpc, this.from, settings.gasLimitMarginPct(), setup);
        this.journal = journal;
        this.broadcaster = new Broadcaster(rpc, signer, settings.chainId(), new NonceManager(rpc, this.from), journal);
        this.setupTransactions = new SetupTransactions(rpc, this.from, fees, broadcaster, settings.gasLimitMarginPct());
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
        Map<Long, List<SendJournal.Entry>> byNonce = new TreeMap<>();
        entries.stream().filter(e -> e.nonce() >= mined).forEach(e -> byNonce.computeIfAbsent(e.nonce(), n -> new ArrayList<>()).add(e));
        List<SendJournal.Entry> kept = new ArrayList<>();
        byNonce.forEach((nonce, all) -> {
            // a send the node refused left its line, and the nonce went to the next liquidation: the last one owns it
            PositionId owner = all.get(all.size() - 1).liquidation().position();
            List<SendJournal.Entry> attempts = all.stream().filter(e -> e.liquidation().position().equals(owner)).toList();
            SendJournal.Entry first = attempts.get(0);
            InFlightBook.Flight flight = new InFlightBook.Flight(first.liquidation(), nonce, first.gasLimit(), 0);
            flight.dueNow();
            attempts.forEach(a -> flight.attempts.add(new InFlightBook.Attempt(a.hash(), a.raw(), a.fees(), a.cancel())));
            book.add(flight);
            kept.addAll(attempts);
            broadcaster.nonceAtLeast(nonce + 1);
        });
        journal.rewrite(kept);
        log.atInfo().addKeyValue("event", "recovered").addKeyValue("inFlight", byNonce.size()).addKeyValue("minedNonce", mined)
                .log("send journal: " + byNonce.size() + " transaction(s) sent before the restart and not mined yet are tracked again");
        return byNonce.size();
    }

    public Address from() {
        return from;
    }

    /** False while the position has a transaction in flight or is backing off after a failure. */
    public boolean accepting(PositionId position, long block) {
        return book.accepting(position, block);
    }

    /** The liquidations in flight (the planner subtracts what they will pull from the wallet). */
    public List<Liquidation> inFlightLiquidations() {
        return book.flights().stream().map(f -> f.liquidation).toList();
    }

    public int inFlightCount() {
        return book.size();
    }

    /** What the network asks for the next block (one {@code eth_feeHistory} per head, shared with the planner). */
    public FeePolicy.MarketFees marketFees(BlockHeader head) {
        return fees.at(head);
    }

    /**
     * Many liquidations of one block, in the order given, which is the nonce order the chain executes
     * them in: simulated together ({@link LiquidationSimulator}), priced, then sent one after another.
     * One answer per liquidation: the transaction hash, or empty where nothing was sent.
     *
     * @param nextTimestamp the time the next block will carry (the simulation runs at it; 0: the node's choice)
     */
    public List<Optional<String>> submitAll(List<Liquidation> liquidations, BlockHeader head, long nextTimestamp) {
        FeePolicy.MarketFees market = fees.at(head);
        List<Liquidation> accepted = liquidations.stream().filter(l -> accepting(l.position(), head.number())).toList();
        List<Optional<LiquidationSimulator.Simulated>> simulated = simulator.simulate(accepted, nextTimestamp,
                (liquidation, reason) -> fail(liquidation, head, RejectReason.SIMULATION_FAILED, reason));
        Map<Liquidation, String> sent = new HashMap<>();
        for (int i = 0; i < accepted.size(); i++) {
            Liquidation liquidation = accepted.get(i);
            simulated.get(i).flatMap(s -> price(liquidation, s, head, market)).flatMap(p -> broadcast(p, head))
                    .ifPresent(hash -> sent.put(liquidation, hash));
        }
        if (!sent.isEmpty()) {
            journal.sync();
        }
        return liquidations.stream().map(l -> Optional.ofNullable(sent.get(l))).toList();
    }

    /** Gas and fees of one simulated liquidation; empty when it must not be sent (the reason went to the events). */
    private Optional<Prepared> price(Liquidation liquidation, LiquidationSimulator.Simulated simulated, BlockHeader head, FeePolicy.MarketFees market) {
        events.simulated(liquidation, simulated.gasUsed());
        BigInteger expectedGasWei = simulated.gasUsed().multiply(market.nextBaseFee().add(market.tip()));
        if (liquidation.grossProfitWei().subtract(expectedGasWei).compareTo(liquidation.minProfitWei()) < 0) {
            fail(liquidation, head, RejectReason.NOT_PROFITABLE, "gas of " + simulated.gasUsed() + " at " + market.nextBaseFee().add(market.tip())
                    + " wei leaves less than the minimum profit of " + liquidation.minProfitWei() + " wei (gross " + liquidation.grossProfitWei() + " wei)");
            return Optional.empty();
        }
        Optional<Fees> priced = fees.policy().price(market, liquidation.grossProfitWei(), liquidation.minProfitWei(), simulated.gasLimit());
        if (priced.isEmpty()) {
            fail(liquidation, head, RejectReason.GAS_TOO_EXPENSIVE, "next base fee " + market.nextBaseFee() + " wei is above the profit cap");
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
            book.backOff(liquidation.position(), head.number());
            return Optional.empty();
        }
        if (book.inFlight(liquidation.position())) {
            return Optional.empty(); // one transaction per position: never a second, untracked one
        }
        Optional<Broadcaster.Sent> sent = broadcaster.sendNew(prepared.tx, s -> new SendJournal.Entry(s.nonce(), s.hash(), s.raw(), prepared.fees,
                false, prepared.tx.gas(), head.number(), liquidation));
        if (sent.isEmpty()) {
            fail(liquidation, head, RejectReason.SIMULATION_FAILED, "the node refused the transaction");
            return Optional.empty();
        }
        InFlightBook.Flight flight = new InFlightBook.Flight(liquidation, sent.get().nonce(), prepared.tx.gas(), head.number());
        flight.attempts.add(new InFlightBook.Attempt(sent.get().hash(), sent.get().raw(), prepared.fees, false));
        book.add(flight);
        events.sent(liquidation, sent.get().hash(), sent.get().nonce(), prepared.fees, prepared.tx.gas());
        return Optional.of(sent.get().hash());
    }

    private record Prepared(Liquidation liquidation, CallRequest tx, Fees fees) {
    }

    /** Stops the simulation threads and leaves the journal holding what is still in flight (the runtime closes it with everything else). */
    @Override
    public void close() {
        simulator.close();
        journal.rewrite(book.journalEntries()); // what is still in flight, for the next start
        journal.close();
    }

    /**
     * A setup transaction (e.g. a token approval) outside the liquidation flow: simulated, priced at the
     * market (no profit cap: it earns nothing by itself), sent and awaited. Not for dry-run.
     */
    public TransactionReceipt execute(Address to, String data, String what, Duration timeout) {
        if (settings.dryRun()) {
            throw new IllegalStateException("dry-run sends nothing: " + what);
        }
        return setupTransactions.execute(to, data, what, timeout);
    }

    /**
     * Each new head: settle transactions mined up to it, replace or cancel the ones that wait too long.
     * A transaction the node reports mined in a later block than {@code head} stays in flight: the markets
     * have not applied that block yet, so its position must not be planned again from older numbers.
     */
    public void onHead(BlockHeader head) {
        book.forgetOld(head.number());
        List<InFlightBook.Flight> flights = book.flights();
        if (flights.isEmpty()) {
            return;
        }
        List<String> hashes = flights.stream().flatMap(f -> f.attempts.stream().map(InFlightBook.Attempt::hash)).toList();
        List<Optional<TransactionReceipt>> receipts = rpc.receipts(hashes);
        Map<String, TransactionReceipt> mined = new HashMap<>();
        for (int i = 0; i < hashes.size(); i++) {
            int index = i;
            receipts.get(i).ifPresent(r -> mined.put(hashes.get(index), r));
        }
        Long minedNonces = null;
        for (InFlightBook.Flight flight : flights) {
            Optional<InFlightBook.Attempt> landed = flight.attempts.stream().filter(a -> mined.containsKey(a.hash())).findFirst();
            if (landed.isPresent()) {
                TransactionReceipt receipt = mined.get(landed.get().hash());
                if (receipt.blockNumber() <= head.number()) {
                    settle(flight, landed.get(), receipt, head);
                }
                continue;
            }
            if (head.number() - flight.lastSentBlock < settings.replaceAfterBlocks()) {
                continue;
            }
            if (minedNonces == null) {
                minedNonces = broadcaster.minedCount(head.number());
            }
            if (flight.nonce < minedNonces) {
                // Our nonce is used and none of our attempts carries it: another transaction of this signer took it.
                book.remove(flight);
                events.dropped(flight.liquidation, flight.nonce);
                book.backOff(flight.liquidation.position(), head.number());
                broadcaster.forgetNonce();
                continue;
            }
            replaceOrCancel(flight, head);
        }
        if (journal.lines() > 4 * (book.size() + 64)) {
            journal.rewrite(book.journalEntries());
        }
    }

    /**
     * Blocks after {@code commonAncestor} left the chain. Our liquidations mined in them are in flight
     * again at their nonces: the next head finds them re-mined, or re-simulates them on the new chain and
     * re-broadcasts (still liquidatable) or cancels (not any more). The local nonce is taken from the chain again.
     */
    public void onRollback(BlockRef commonAncestor) {
        broadcaster.forgetNonce();
        for (InFlightBook.Mined reorged : book.reorged(commonAncestor)) {
            events.reorged(reorged.flight().liquidation, reorged.hash(), reorged.block());
        }
    }

    private void settle(InFlightBook.Flight flight, InFlightBook.Attempt attempt, TransactionReceipt receipt, BlockHeader head) {
        if (attempt.cancel()) {
            book.remove(flight);
            events.cancelled(flight.liquidation, receipt);
            book.backOff(flight.liquidation.position(), head.number());
        } else if (receipt.success()) {
            book.mined(flight, attempt.hash(), receipt.blockNumber());
            events.mined(flight.liquidation, receipt);
        } else {
            book.remove(flight);
            events.reverted(flight.liquidation, receipt);
            book.backOff(flight.liquidation.position(), head.number());
        }
    }

    /**
     * A transaction not mined after {@code replaceAfterBlocks}. Ours go out in nonce order, so one waits
     * either because its fee is below the market (bump it) or because an earlier nonce of ours waits
     * (re-broadcast it unchanged, in case the node dropped it, and let the earlier one's bump free it).
     * A liquidation whose opportunity is gone is cancelled whatever its fee.
     */
    private void replaceOrCancel(InFlightBook.Flight flight, BlockHeader head) {
        InFlightBook.Attempt last = flight.last();
        FeePolicy.MarketFees market = fees.at(head);
        boolean underpriced = last.fees().maxFeePerGas().compareTo(market.nextBaseFee().add(market.tip())) < 0;
        if (last.cancel()) {
            if (underpriced) {
                cancel(flight, last.fees(), market, head, "the previous cancellation was underpriced");
            } else {
                rebroadcast(flight, last, head);
            }
            return;
        }
        Optional<String> gone = stillValid(flight.liquidation);
        if (gone.isPresent()) {
            cancel(flight, last.fees(), market, head, gone.get());
            return;
        }
        if (!underpriced) {
            rebroadcast(flight, last, head);
            return;
        }
        int replacements = flight.attempts.size() - 1;
        Optional<Fees> bumped = replacements < settings.maxReplacements()
                ? fees.policy().bump(last.fees(), market, flight.liquidation.grossProfitWei(), flight.liquidation.minProfitWei(), flight.gasLimit)
                : Optional.empty();
        if (bumped.isEmpty()) {
            cancel(flight, last.fees(), market, head, replacements >= settings.maxReplacements()
                    ? "replaced " + replacements + " times without being mined" : "the fee needed now is above the profit cap");
            return;
        }
        CallRequest tx = new CallRequest(from, flight.liquidation.to(), flight.liquidation.data(), BigInteger.ZERO, flight.gasLimit,
                flight.nonce, bumped.get().maxFeePerGas(), bumped.get().maxPriorityFeePerGas());
        sendAt(flight, tx, bumped.get(), false, head).ifPresent(sent -> events.replaced(flight.liquidation, last.hash(), sent.hash(), bumped.get()));
    }

    private void rebroadcast(InFlightBook.Flight flight, InFlightBook.Attempt attempt, BlockHeader head) {
        broadcaster.rebroadcast(attempt.raw());
        flight.lastSentBlock = head.number();
    }

    private void cancel(InFlightBook.Flight flight, Fees stuck, FeePolicy.MarketFees market, BlockHeader head, String why) {
        Fees cancelFees = fees.policy().cancel(stuck, market);
        CallRequest tx = new CallRequest(from, from, "0x", BigInteger.ZERO, Broadcaster.CANCEL_GAS, flight.nonce, cancelFees.maxFeePerGas(),
                cancelFees.maxPriorityFeePerGas());
        sendAt(flight, tx, cancelFees, true, head).ifPresent(sent -> events.cancelling(flight.liquidation, sent.hash(), flight.nonce, cancelFees, why));
    }

    /** A replacement or cancellation at the flight's nonce; recorded as its newest attempt when the node took it. */
    private Optional<Broadcaster.Sent> sendAt(InFlightBook.Flight flight, CallRequest tx, Fees fees, boolean cancel, BlockHeader head) {
        Optional<Broadcaster.Sent> sent = broadcaster.sendAt(tx, s -> new SendJournal.Entry(flight.nonce, s.hash(), s.raw(), fees, cancel,
                tx.gas(), head.number(), flight.liquidation));
        sent.ifPresent(s -> {
            flight.attempts.add(new InFlightBook.Attempt(s.hash(), s.raw(), fees, cancel));
            flight.lastSentBlock = head.number();
        });
        return sent;
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

    private void fail(Liquidation liquidation, BlockHeader head, RejectReason reason, String detail) {
        events.rejected(liquidation, reason, detail);
        book.backOff(liquidation.position(), head.number());
    }
}
