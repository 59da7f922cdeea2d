package dev.margincall.submit;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.chain.abi.ErrorCatalog;
import dev.margincall.chain.abi.RevertReason;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.GasModel;
import dev.margincall.strategy.RejectReason;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
     * @param defaultItemGas      what the gas model assumes a liquidation costs before it has seen one of its kind
     * @param simulateFirst       simulate a block's transactions before sending them (a round trip and the EVM time of every
     *                            liquidation before the first byte goes out); false: send at once with the gas model's gas
     *                            and verify with the same simulation meanwhile ({@link #send})
     */
    public record Settings(long chainId, int replaceAfterBlocks, int maxReplacements, int backoffBlocks, int gasLimitMarginPct, boolean dryRun,
                           long defaultItemGas, boolean simulateFirst, ErrorCatalog errors) {

        /** Without the markets' errors: a revert reads as its selector unless it is a string or a panic. */
        public Settings(long chainId, int replaceAfterBlocks, int maxReplacements, int backoffBlocks, int gasLimitMarginPct, boolean dryRun,
                        long defaultItemGas, boolean simulateFirst) {
            this(chainId, replaceAfterBlocks, maxReplacements, backoffBlocks, gasLimitMarginPct, dryRun, defaultItemGas, simulateFirst,
                    ErrorCatalog.EMPTY);
        }

        /** A contract-funded liquidation's gas before any is measured (the configuration's {@code execution.gas.flashLoan} default). */
        public static final long DEFAULT_ITEM_GAS = 900_000;

        /** Simulating first, with the default gas prior: the submitter's unit tests and one-off commands. */
        public Settings(long chainId, int replaceAfterBlocks, int maxReplacements, int backoffBlocks, int gasLimitMarginPct, boolean dryRun) {
            this(chainId, replaceAfterBlocks, maxReplacements, backoffBlocks, gasLimitMarginPct, dryRun, DEFAULT_ITEM_GAS, true);
        }

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
    private final GasModel gasModel;

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
        this.simulator = new LiquidationSimulator(rpc, this.from, settings.gasLimitMarginPct(), setup, settings.errors());
        this.journal = journal;
        this.broadcaster = new Broadcaster(rpc, signer, settings.chainId(), new NonceManager(rpc, this.from), journal);
        this.setupTransactions = new SetupTransactions(rpc, this.from, fees, broadcaster, settings.gasLimitMarginPct());
        this.gasModel = new GasModel(settings.defaultItemGas());
    }

    /**
     * Does at start what the first liquidation of a process would otherwise do between its head and the wire: loading
     * the signature's curve tables and the journal's serializers. Nothing is sent or written.
     */
    public void warmUp() {
        broadcaster.warmUp(from);
        journal.warmUp();
    }

    /** Nothing is sent: plans are simulated and reported as would-be sends. */
    public boolean dryRun() {
        return settings.dryRun();
    }

    /**
     * Reads the next nonce now if it is not known (after a reorg, a dropped transaction or a refused send it is read
     * again): the keeper calls this on another thread when a head has candidates, so the round trip overlaps the quoting
     * (the bench's first crash head paid 46 ms for it in its first send).
     */
    public void readNonceIfUnknown() {
        broadcaster.knowNonce();
    }

    /**
     * The way of a transaction to the wire walked without sending it (the keeper's start rehearsal): the gas model's
     * estimate and the send-first limit, the fee policy's price at {@code market}'s fees, a signature at a nonce not
     * taken, and the journal line serialized but not written. Nothing is sent, journaled, counted or learned.
     */
    public void rehearse(Submission submission, FeePolicy.MarketFees market) {
        LiquidationSimulator.Simulated gas = unverified(gasKeys(submission));
        // priced by the policy as a round prices it; the rehearsal's made-up profit may not pay at today's fees: priced at 1 wei then
        Fees priced = fees.policy().price(market, submission.grossProfitWei(), submission.minProfitWei(), gas.gasLimit())
                .orElse(new Fees(BigInteger.ONE, BigInteger.ONE));
        Prepared prepared = prepared(submission, gas.gasLimit(), priced);
        broadcaster.rehearse(new Broadcaster.Outgoing(prepared.tx, prepared.journaled(new BlockRef(0, "0x"))));
    }

    /**
     * After a restart: every transaction the journal holds whose nonce the chain has not mined yet is in
     * flight again, at its nonce, with all its attempts, and is checked at once at the chain's head as for any
     * transaction that waited too long: re-simulated, then re-broadcast or, when its opportunity is gone,
     * cancelled at its nonce. At once, not at the next head: the killed process may have sent it before its own
     * check (sending first), and the next block may already be mining it (KeeperCrashIT, once in a CI run: a
     * send-first liquidation planned on a half-applied crash, sent, the process killed; the next block mined it
     * reverted before the restarted keeper's first head). New transactions take nonces above the journal's.
     * Returns how many.
     */
    public int recoverFromJournal() {
        List<SendJournal.Entry> entries = journal.recovered();
        if (entries.isEmpty()) {
            return 0;
        }
        long mined = rpc.transactionCount(from, BlockTag.LATEST);
        TreeMap<Long, List<SendJournal.Entry>> byNonce = new TreeMap<>();
        entries.stream().filter(e -> e.nonce() >= mined).forEach(e -> byNonce.computeIfAbsent(e.nonce(), n -> new ArrayList<>()).add(e));
        if (!byNonce.isEmpty() && byNonce.firstKey() > mined && unreachable(byNonce, mined)) {
            return 0;
        }
        List<SendJournal.Entry> kept = new ArrayList<>();
        byNonce.forEach((nonce, all) -> {
            // a send the node refused left its line, and the nonce went to the next liquidation: the last one owns it
            PositionId owner = firstPosition(all.get(all.size() - 1));
            List<SendJournal.Entry> attempts = all.stream().filter(e -> firstPosition(e).equals(owner)).toList();
            SendJournal.Entry first = attempts.get(0);
            // signed at the head its journal names (lines of an older version name none: block 0, no hash)
            InFlightBook.Flight flight = new InFlightBook.Flight(first.submission(), nonce, first.gasLimit(),
                    first.head().orElse(new BlockRef(0, null)));
            flight.dueNow();
            attempts.forEach(a -> flight.attempts.add(new InFlightBook.Attempt(a.hash(), a.raw(), a.fees(), a.cancel())));
            book.add(flight);
            kept.addAll(attempts);
            broadcaster.nonceAtLeast(nonce + 1);
        });
        journal.rewrite(kept);
        log.atInfo().addKeyValue("event", "recovered").addKeyValue("inFlight", byNonce.size()).addKeyValue("minedNonce", mined)
                .log("send journal: " + byNonce.size() + " transaction(s) sent before the restart and not mined yet are tracked again");
        onHead(rpc.block(BlockTag.LATEST));
        return byNonce.size();
    }

    /**
     * Whether the journal's unmined transactions were sent on another history of this chain (a restarted or re-created
     * chain with the same chain id, a devnet reset), where tracking them would hold every new transaction behind a nonce
     * gap for ever: the lowest of their nonces lies above every nonce the chain has mined or holds pending for the
     * signer, and the head the lowest was signed at is not this chain's block of that number (another hash). If so, the
     * journal is copied aside, emptied, and new transactions start at the chain's next nonce. A gap alone proves nothing
     * (an endpoint behind the chain, or one whose pool lacks our lower transactions, shows one too): when the chain has
     * not reached that block, or the line names no hash (an older version's), they are tracked, with a warning that says
     * what to do if the chain was restarted.
     */
    private boolean unreachable(TreeMap<Long, List<SendJournal.Entry>> byNonce, long mined) {
        long lowest = byNonce.firstKey();
        long pending = rpc.transactionCount(from, BlockTag.PENDING);
        if (lowest <= pending) {
            return false; // the pool holds what comes before them (our own, sent before the journal's last rewrite): they can follow
        }
        long highest = byNonce.lastKey();
        String gap = byNonce.size() + " transaction(s) at nonces " + lowest + ".." + highest + " lie above this chain's next nonce for " + from
                + ", " + pending + ", and nothing of ours is pending below them";
        Optional<BlockRef> signedAt = byNonce.firstEntry().getValue().get(0).head();
        long head = rpc.blockNumber();
        if (signedAt.isEmpty() || signedAt.get().number() > head) {
            log.atWarn().addKeyValue("event", "journal_gap").addKeyValue("lowestNonce", lowest).addKeyValue("pendingNonce", pending)
                    .log("send journal: " + gap + "; " + signedAt.map(b -> "they were signed at block " + b.number() + ", which this chain has not "
                            + "reached (head " + head + ")").orElse("their lines do not say which chain they were signed on")
                            + ": tracked, new transactions wait behind them. If the chain was restarted or re-created, stop the keeper and move "
                            + "the send journal of " + from + " out of the state directory");
            return false;
        }
        String here = rpc.block(BlockTag.number(signedAt.get().number())).hash();
        if (here.equalsIgnoreCase(signedAt.get().hash())) {
            return false; // this history: the nonces below were ours, mined or pending elsewhere
        }
        Optional<java.nio.file.Path> copy = journal.copyAside("other-history-" + System.currentTimeMillis());
        journal.rewrite(List.of());
        log.atWarn().addKeyValue("event", "journal_other_history").addKeyValue("transactions", byNonce.size())
                .addKeyValue("lowestNonce", lowest).addKeyValue("highestNonce", highest).addKeyValue("chainNonce", mined)
                .addKeyValue("pendingNonce", pending)
                .log("send journal: " + gap + ", and they were signed at block " + signedAt.get().number() + " with hash " + signedAt.get().hash()
                        + ", which has hash " + here + " on this chain: written on another history (a restarted or re-created chain?); "
                        + "not tracked, new transactions start at nonce " + pending + copy.map(p -> "; the old journal is kept as " + p).orElse(""));
        return true;
    }

    private static PositionId firstPosition(SendJournal.Entry entry) {
        return entry.submission().items().get(0).position();
    }

    public Address from() {
        return from;
    }

    /** False while the position has a transaction in flight or is backing off after a failure. */
    public boolean accepting(PositionId position, long block) {
        return book.accepting(position, block);
    }

    /** The liquidations in flight, batches' items one by one (the planner subtracts what they will pull from the wallet). */
    public List<Liquidation> inFlightLiquidations() {
        return book.flights().stream().flatMap(f -> f.submission.items().stream()).toList();
    }

    /**
     * Gas per liquidation as learned from our simulations and receipts, per (protocol, pair, funding, batch size): the
     * planner packs batches with it. Written by this submitter on the keeper's thread only.
     */
    public GasModel gasModel() {
        return gasModel;
    }

    /** The gas model's keys of a transaction's items. */
    static List<GasModel.Key> gasKeys(Submission submission) {
        int size = submission.items().size();
        return submission.items().stream().map(l -> new GasModel.Key(l.position().protocol(), l.plan().quote().collateralAsset(),
                l.plan().quote().debtAsset(), l.plan().funding(), size)).toList();
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
        return send(liquidations.stream().map(Submission::single).toList(), head, nextTimestamp);
    }

    /**
     * Transactions of one block, single liquidations and batches, in the order given (the nonce order): as
     * {@link #submitAll}, one answer per transaction. A transaction any of whose positions is in flight or backing off is
     * not sent.
     */
    public List<Optional<String>> send(List<Submission> submissions, BlockHeader head, long nextTimestamp) {
        Round round = round(head, nextTimestamp);
        submissions.forEach(round::offer);
        return round.finish();
    }

    /**
     * A head's transactions, handed over one by one as the planner makes them, most profitable first. Sending first
     * ({@code simulateFirst} off), each goes out as soon as it is offered, while the planner makes the next: the first
     * transaction is on the wire before the last is planned. Simulating first, they wait for {@link Round#finish}, which
     * simulates them together before any is sent.
     */
    public Round round(BlockHeader head, long nextTimestamp) {
        return new Round(head, nextTimestamp, fees.at(head), sendsFirst());
    }

    /** Transactions go out before their simulation: configured so, not a dry run, and the node simulates bundles to verify them. */
    public boolean sendsFirst() {
        return !settings.dryRun() && !settings.simulateFirst() && simulator.bundles();
    }

    /**
     * Headroom on the gas limit of a transaction sent before its simulation, above the limit its estimate gives. The model learns
     * a pair's gas per item from the positions liquidated so far, but an item's gas grows with its position (every reserve
     * the account uses is read): KeeperBurstIT's second liquidations of multi-collateral accounts, 12 to a batch, needed
     * 25 % more per item than the pair's first round had taught, ran out of gas (the contract's {@code OutOfGas}), and under
     * load were mined before the verification could raise their limit. A limit is paid only as far as it is used (EIP-1559
     * charges gas used); it costs room in the block and a lower fee cap under the profit cap.
     */
    static final int UNVERIFIED_HEADROOM_PCT = 50;

    /** What a transaction of these items is expected to use (the gas model), and the limit it is sent with before its simulation. */
    private LiquidationSimulator.Simulated unverified(List<GasModel.Key> items) {
        BigInteger gas = BigInteger.valueOf(gasModel.estimate(items));
        return new LiquidationSimulator.Simulated(gas,
                simulator.limitFromGasUsed(gas).multiply(BigInteger.valueOf(100 + UNVERIFIED_HEADROOM_PCT)).divide(BigInteger.valueOf(100)));
    }

    /**
     * The gas limit a transaction of these items is expected to go out with, for packing batches under a per-transaction
     * cap: sending first, exactly the limit it will be sent with; simulating first, the limit a simulation using the gas
     * model's estimate would give (the simulation then sets the real one with the same formula).
     */
    public long expectedGasLimit(List<GasModel.Key> items) {
        if (sendsFirst()) {
            return unverified(items).gasLimit().longValueExact();
        }
        return simulator.limitFromGasUsed(BigInteger.valueOf(gasModel.estimate(items))).longValueExact();
    }

    /** One head's transactions ({@link #round}). Used on the keeper's thread only. */
    public final class Round {

        private final BlockHeader head;
        private final long nextTimestamp;
        private final FeePolicy.MarketFees market;
        private final boolean sendAtOnce;
        private final List<Submission> offered = new ArrayList<>();
        /** Sending at once: what was priced, in nonce order (what the verification simulates). */
        private final List<Submission> priced = new ArrayList<>();
        private final Map<Submission, String> sent = new HashMap<>();
        /** Sending at once: priced and not sent yet, waiting for the rest of their batch ({@link #sendChunks}' sizes). */
        private final List<Prepared> waiting = new ArrayList<>();
        private int batchSize = 1;

        private Round(BlockHeader head, long nextTimestamp, FeePolicy.MarketFees market, boolean sendAtOnce) {
            this.head = head;
            this.nextTimestamp = nextTimestamp;
            this.market = market;
            this.sendAtOnce = sendAtOnce;
        }

        /**
         * The next transaction in nonce order. Sending at once, it is priced with the gas model's gas (learned from
         * earlier simulations and receipts; before any, the configured default), and sent on this thread as batches
         * fill: the first alone as soon as it is offered, then batches twice as large as the one before, up to
         * {@link #MAX_SEND_BATCH}, as after a simulation ({@link #sendChunks}); {@link #finish} sends what is left.
         * Handing the signing and sending of single transactions to a second thread was slower on 2 shared cores (bench
         * at 2,000 borrowers, flash-loan batches: head → wire p50 81 ms with it, 39 ms without).
         */
        public void offer(Submission submission) {
            offered.add(submission);
            if (!sendAtOnce || !acceptingAll(submission, head.number())) {
                return;
            }
            Optional<Prepared> prepared = price(submission, unverified(gasKeys(submission)), head, market);
            events.step("priced");
            if (prepared.isEmpty()) {
                return;
            }
            priced.add(submission);
            waiting.add(prepared.get());
            if (waiting.size() >= batchSize) {
                sendWaiting();
            }
        }

        private void sendWaiting() {
            if (!waiting.isEmpty()) {
                sent.putAll(deliver(List.copyOf(waiting), head, market));
                waiting.clear();
                batchSize = Math.min(2 * batchSize, MAX_SEND_BATCH);
            }
        }

        /** The round's answers, one per offered transaction in order: its hash, or empty where nothing was sent. */
        public List<Optional<String>> finish() {
            if (!sendAtOnce) {
                return simulateThenSend(offered, head, nextTimestamp, market);
            }
            sendWaiting();
            syncJournal(sent);
            verify(priced, sent, head, nextTimestamp, market);
            return answers(offered, sent);
        }
    }

    private List<Optional<String>> simulateThenSend(List<Submission> submissions, BlockHeader head, long nextTimestamp, FeePolicy.MarketFees market) {
        List<Submission> accepted = submissions.stream().filter(s -> acceptingAll(s, head.number())).toList();
        List<Optional<LiquidationSimulator.Simulated>> simulated = simulator.simulate(accepted, nextTimestamp,
                (submission, reason) -> fail(submission, head, RejectReason.SIMULATION_FAILED, reason));
        events.step("simulated");
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < accepted.size(); i++) {
            Submission submission = accepted.get(i);
            simulated.get(i).flatMap(s -> {
                observeSimulation(submission, s.gasUsed());
                return price(submission, s, head, market);
            }).ifPresent(prepared::add);
        }
        Map<Submission, String> sent = new HashMap<>();
        for (List<Prepared> chunk : sendChunks(prepared)) {
            sent.putAll(deliver(chunk, head, market));
        }
        syncJournal(sent);
        return answers(submissions, sent);
    }

    /**
     * Sending at once, nothing between the head and the wire waits for a round trip a local computation can replace;
     * after the last send, one {@code eth_simulateV1} of all of the round's transactions, in nonce order on the state of
     * the head they were planned at (our sends, mined or not, are in the bundle itself). The exact local math already
     * said each succeeds; the simulation verifies it and feeds the gas model. It runs after the last send, not beside the
     * sends: Anvil answers nothing else while it simulates (sends measured at about 2 ms each took 25–40 ms with a
     * 400-liquidation bundle running), and the wire is what the next block is won on. A transaction the simulation says
     * fails is cancelled at its nonce unless it is mined already (a wrong guess costs gas, never principal: the
     * contract's guards and the flash loan's repayment revert anything that would lose money); one whose gas limit the
     * simulation finds too low is replaced at its nonce with enough gas (and the fee bump a replacement needs).
     */
    private void verify(List<Submission> toSend, Map<Submission, String> sent, BlockHeader head, long nextTimestamp, FeePolicy.MarketFees market) {
        if (toSend.isEmpty()) {
            return;
        }
        Map<Submission, String> failures = new HashMap<>();
        List<Optional<LiquidationSimulator.Simulated>> verified;
        try {
            verified = simulator.verify(pendingAhead(sent), toSend, head.number(), nextTimestamp, failures::put);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("event", "verification_failed").log("could not simulate this block's " + toSend.size()
                    + " transaction(s) after sending them (" + e.getMessage() + "): their receipts will settle them");
            return;
        }
        events.step("verified");
        for (int i = 0; i < toSend.size(); i++) {
            Submission submission = toSend.get(i);
            Optional<InFlightBook.Flight> flight = sent.containsKey(submission) ? book.flightOf(sent.get(submission)) : Optional.empty();
            if (failures.containsKey(submission)) {
                String why = "the simulation after sending says it fails: " + failures.get(submission);
                flight.ifPresentOrElse(f -> cancel(f, f.last().fees(), market, head, why),
                        () -> submission.items().forEach(item -> events.rejected(item, RejectReason.SIMULATION_FAILED, why)));
                continue;
            }
            verified.get(i).ifPresent(simulated -> {
                observeSimulation(submission, simulated.gasUsed());
                flight.filter(f -> simulated.gasLimit().compareTo(f.gasLimit) > 0).ifPresent(f -> raiseGasLimit(f, simulated.gasLimit(), market, head));
            });
        }
    }

    /**
     * Our liquidations sent on earlier heads and not mined by this one, in nonce order: the chain runs them before this
     * round's, so the round is verified after them (a round verified without them was cancelled for failures that only
     * the pools and positions before the earlier round's sales showed, or passed ones those sales break).
     */
    private List<Submission> pendingAhead(Map<Submission, String> sentThisRound) {
        java.util.Set<String> thisRound = java.util.Set.copyOf(sentThisRound.values());
        return book.flights().stream().filter(f -> !f.last().cancel() && f.attempts.stream().noneMatch(a -> thisRound.contains(a.hash())))
                .sorted(java.util.Comparator.comparingLong(f -> f.nonce)).map(f -> f.submission).toList();
    }

    /** Every position of the transaction may be sent now: none in flight or backing off. */
    private boolean acceptingAll(Submission submission, long block) {
        return submission.items().stream().allMatch(l -> accepting(l.position(), block));
    }

    /** The round's sends are out: their journal lines go to the disk, once per round. */
    private void syncJournal(Map<Submission, String> sent) {
        events.step("sent");
        if (!sent.isEmpty()) {
            journal.sync();
        }
        events.step("journalSynced");
    }

    private static List<Optional<String>> answers(List<Submission> submissions, Map<Submission, String> sent) {
        return submissions.stream().map(s -> Optional.ofNullable(sent.get(s))).toList();
    }

    /**
     * A transaction sent with less gas than its simulation needs: replaced at its nonce with the needed limit and the
     * fee bump a replacement needs, or cancelled when that bump is above the profit cap (it would run out of gas).
     */
    private void raiseGasLimit(InFlightBook.Flight flight, BigInteger gasLimit, FeePolicy.MarketFees market, BlockHeader head) {
        InFlightBook.Attempt last = flight.last();
        Optional<Fees> bumped = fees.policy().bump(last.fees(), market, flight.submission.grossProfitWei(), flight.submission.minProfitWei(), gasLimit);
        if (bumped.isEmpty()) {
            cancel(flight, last.fees(), market, head, "its gas limit " + flight.gasLimit + " is below the " + gasLimit
                    + " its simulation needs, and the fee of a replacement is above the profit cap");
            return;
        }
        CallRequest tx = new CallRequest(from, flight.submission.to(), flight.submission.data(), BigInteger.ZERO, gasLimit, flight.nonce,
                bumped.get().maxFeePerGas(), bumped.get().maxPriorityFeePerGas());
        BigInteger before = flight.gasLimit;
        flight.gasLimit = gasLimit;
        Optional<Broadcaster.Sent> sent = sendAt(flight, tx, bumped.get(), false, head);
        if (sent.isEmpty()) {
            flight.gasLimit = before; // mined already, or refused: the receipt decides
            return;
        }
        flight.submission.items().forEach(item -> events.replaced(item, last.hash(), sent.get().hash(), bumped.get()));
    }

    /** Gas and fees of one simulated liquidation; empty when it must not be sent (the reason went to the events). */
    private Optional<Prepared> price(Submission submission, LiquidationSimulator.Simulated simulated, BlockHeader head, FeePolicy.MarketFees market) {
        BigInteger expectedGasWei = simulated.gasUsed().multiply(market.nextBaseFee().add(market.tip()));
        BigInteger gross = submission.grossProfitWei();
        BigInteger min = submission.minProfitWei();
        if (gross.subtract(expectedGasWei).compareTo(min) < 0) {
            fail(submission, head, RejectReason.NOT_PROFITABLE, "gas of " + simulated.gasUsed() + " at " + market.nextBaseFee().add(market.tip())
                    + " wei leaves less than the minimum profit of " + min + " wei (gross " + gross + " wei)");
            return Optional.empty();
        }
        Optional<Fees> priced = fees.policy().price(market, gross, min, simulated.gasLimit());
        if (priced.isEmpty()) {
            fail(submission, head, RejectReason.GAS_TOO_EXPENSIVE, "next base fee " + market.nextBaseFee() + " wei is above the profit cap");
            return Optional.empty();
        }
        return Optional.of(prepared(submission, simulated.gasLimit(), priced.get()));
    }

    /** The transaction of {@code submission} from our signer with this gas limit and these fees, nonce not set yet. */
    private Prepared prepared(Submission submission, BigInteger gasLimit, Fees fees) {
        CallRequest tx = new CallRequest(from, submission.to(), submission.data(), BigInteger.ZERO, gasLimit)
                .withFees(fees.maxFeePerGas(), fees.maxPriorityFeePerGas());
        return new Prepared(submission, tx, fees);
    }

    /** {@code gas} split among {@code items} items as evenly as integers allow (the first takes the remainder): a batch's gas per item. */
    static List<BigInteger> shares(BigInteger gas, int items) {
        BigInteger[] each = gas.divideAndRemainder(BigInteger.valueOf(items));
        List<BigInteger> shares = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            shares.add(i == 0 ? each[0].add(each[1]) : each[0]);
        }
        return shares;
    }

    /** Transactions sent as one JSON-RPC batch at most: hosted endpoints refuse larger batches (some above 100 calls). */
    static final int MAX_SEND_BATCH = 64;

    /**
     * A block's simulated transactions in the batches they are sent in: the first alone, then twice as many each time,
     * up to {@link #MAX_SEND_BATCH}. The first is on the wire after one signature; every later batch saves the round trips
     * of its transactions but waits for all of them to be signed and journaled (about half a millisecond each), so the
     * batches grow as the transactions left to send grow.
     */
    static <T> List<List<T>> sendChunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        int size = 1;
        for (int start = 0; start < all.size(); start += size, size = Math.min(2 * size, MAX_SEND_BATCH)) {
            chunks.add(all.subList(start, Math.min(all.size(), start + size)));
        }
        return chunks;
    }

    /**
     * Signs, journals and sends transactions at consecutive nonces (several in one round trip: {@link Broadcaster#sendNewAll})
     * and tracks each the node took; a dry run only reports them. A refused one backs off; when later ones of the batch
     * were taken, its nonce is filled with a cancellation so that they are not held behind a gap. The hash of each sent.
     */
    private Map<Submission, String> deliver(List<Prepared> prepared, BlockHeader head, FeePolicy.MarketFees market) {
        if (settings.dryRun()) {
            for (Prepared p : prepared) {
                for (Liquidation item : p.submission.items()) {
                    events.wouldSend(item, p.tx.gas(), p.fees);
                    book.backOff(item.position(), head.number());
                }
            }
            return Map.of();
        }
        java.util.Set<PositionId> claimed = new java.util.HashSet<>();
        List<Prepared> sending = new ArrayList<>();
        for (Prepared p : prepared) {
            List<PositionId> positions = p.submission.items().stream().map(Liquidation::position).toList();
            // one transaction per position: never a second, untracked one
            if (positions.stream().noneMatch(position -> book.inFlight(position) || claimed.contains(position))) {
                claimed.addAll(positions);
                sending.add(p);
            }
        }
        if (sending.isEmpty()) {
            return Map.of();
        }
        List<Broadcaster.Delivery> deliveries = broadcaster.sendNewAll(sending.stream()
                .map(p -> new Broadcaster.Outgoing(p.tx, p.journaled(head.ref()))).toList());
        Map<Submission, String> sent = new HashMap<>();
        for (int i = 0; i < sending.size(); i++) {
            Prepared p = sending.get(i);
            Broadcaster.Delivery delivery = deliveries.get(i);
            if (delivery.sent() == null) {
                fail(p.submission, head, RejectReason.SIMULATION_FAILED, "the node refused the transaction: " + delivery.refusal());
                continue;
            }
            Broadcaster.Sent s = delivery.sent();
            InFlightBook.Flight flight = new InFlightBook.Flight(p.submission, s.nonce(), p.tx.gas(), head.ref());
            flight.attempts.add(new InFlightBook.Attempt(s.hash(), s.raw(), p.fees, false));
            book.add(flight);
            p.submission.items().forEach(item -> events.sent(item, s.hash(), s.nonce(), p.fees, p.tx.gas()));
            sent.put(p.submission, s.hash());
        }
        for (int i = 0; i < sending.size(); i++) { // after every taken one is tracked: a failing fill cannot leave them untracked
            if (deliveries.get(i).gapAt() >= 0) {
                fillGap(sending.get(i), deliveries.get(i).gapAt(), market, head);
            }
        }
        return sent;
    }

    /**
     * A cancellation at the nonce a refused transaction left empty below later ones of its batch, tracked as that
     * transaction's flight (a cancellation from the start: re-sent or re-priced until mined, like any other).
     */
    private void fillGap(Prepared refused, long nonce, FeePolicy.MarketFees market, BlockHeader head) {
        InFlightBook.Flight flight = new InFlightBook.Flight(refused.submission, nonce, Broadcaster.CANCEL_GAS, head.ref());
        try {
            cancel(flight, refused.fees, market, head, "fills nonce " + nonce + ", which the node refused this liquidation at, below later ones it took");
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("event", "gap_fill_failed").addKeyValue("nonce", nonce).log("filling nonce " + nonce + " failed: " + e.getMessage());
        }
        if (flight.attempts.isEmpty()) {
            broadcaster.forgetNonce();
            log.atError().addKeyValue("event", "nonce_gap").addKeyValue("nonce", nonce)
                    .log("the node refused the transaction at nonce " + nonce + " and its cancellation: later transactions wait behind it"
                            + " until something is mined at that nonce (check the keeper account's balance)");
            return;
        }
        book.add(flight);
    }

    private record Prepared(Submission submission, CallRequest tx, Fees fees) {

        /** Its journal line once signed: a new transaction (not a cancel) planned at {@code head}. */
        Broadcaster.Journaled journaled(BlockRef head) {
            return s -> new SendJournal.Entry(s.nonce(), s.hash(), s.raw(), fees, false, tx.gas(), head, submission);
        }
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
                // Our nonce is used and none of our attempts carries it: another transaction of this signer took it, if that
                // still holds at a later head. Anvil 1.7.1 answers a read at the head from the next block's state while it mines
                // that block (foundry-rs/foundry#16368): on automine our own transaction, mined just after its receipt was asked
                // for, looked like another one's (KeeperMorphoWhereUsersRunIT, once in a fresh-clone CI). Its receipt comes then.
                if (flight.nonceUsedSeenAt < 0 || flight.nonceUsedSeenAt >= head.number()) {
                    flight.nonceUsedSeenAt = Math.max(flight.nonceUsedSeenAt, head.number());
                    continue;
                }
                book.remove(flight);
                for (Liquidation item : flight.submission.items()) {
                    events.dropped(item, flight.nonce);
                    book.backOff(item.position(), head.number());
                }
                broadcaster.forgetNonce();
                continue;
            }
            flight.nonceUsedSeenAt = -1; // unused again (a reorg took the other transaction away): a later sighting starts over
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
            reorged.flight().submission.items().forEach(item -> events.reorged(item, reorged.hash(), reorged.block()));
        }
    }

    /**
     * A receipt for one of the flight's attempts. A batch settles item by item: the receipt's gas is shared among its items,
     * and a mined batch's items are mined or skipped as the contract's events say ({@link BatchEvents}): a skipped item (a
     * competitor came first, the position recovered) backs off like a failure, without the others.
     */
    private void settle(InFlightBook.Flight flight, InFlightBook.Attempt attempt, TransactionReceipt receipt, BlockHeader head) {
        List<Liquidation> items = flight.submission.items();
        List<BigInteger> gas = shares(receipt.gasUsed(), items.size());
        Map<Integer, BatchEvents.ItemOutcome> outcomes = new HashMap<>();
        if (!attempt.cancel() && receipt.success() && flight.submission.batch()) {
            BatchEvents.outcomes(receipt.logs(), flight.submission.to()).forEach(o -> outcomes.put(o.index(), o));
        }
        if (!attempt.cancel() && receipt.success()) {
            book.mined(flight, attempt.hash(), receipt.blockNumber());
            if (outcomes.values().stream().allMatch(BatchEvents.ItemOutcome::liquidated)) {
                learnGas(flight.submission, receipt.gasUsed()); // a skipped item costs less than one that ran: not what the model is for
            }
        } else {
            book.remove(flight);
        }
        for (int i = 0; i < items.size(); i++) {
            Liquidation item = items.get(i);
            TransactionReceipt share = new TransactionReceipt(receipt.transactionHash(), receipt.blockNumber(), receipt.blockHash(), receipt.success(),
                    gas.get(i), receipt.effectiveGasPrice(), receipt.contractAddress(), receipt.logs());
            if (attempt.cancel()) {
                events.cancelled(item, share);
                book.backOff(item.position(), head.number());
            } else if (!receipt.success()) {
                events.reverted(item, share);
                book.backOff(item.position(), head.number());
            } else if (!flight.submission.batch() || (outcomes.containsKey(i) && outcomes.get(i).liquidated())) {
                events.mined(item, share);
            } else {
                BatchEvents.ItemOutcome outcome = outcomes.get(i);
                events.skipped(item, share, outcome == null ? "the batch reported nothing for this item"
                        : RevertReason.describe(outcome.reason(), settings.errors()));
                book.backOff(item.position(), head.number());
            }
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
        Optional<String> gone = stillValid(flight.submission);
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
                ? fees.policy().bump(last.fees(), market, flight.submission.grossProfitWei(), flight.submission.minProfitWei(), flight.gasLimit)
                : Optional.empty();
        if (bumped.isEmpty()) {
            cancel(flight, last.fees(), market, head, replacements >= settings.maxReplacements()
                    ? "replaced " + replacements + " times without being mined" : "the fee needed now is above the profit cap");
            return;
        }
        CallRequest tx = new CallRequest(from, flight.submission.to(), flight.submission.data(), BigInteger.ZERO, flight.gasLimit,
                flight.nonce, bumped.get().maxFeePerGas(), bumped.get().maxPriorityFeePerGas());
        sendAt(flight, tx, bumped.get(), false, head).ifPresent(sent -> flight.submission.items()
                .forEach(item -> events.replaced(item, last.hash(), sent.hash(), bumped.get())));
    }

    private void rebroadcast(InFlightBook.Flight flight, InFlightBook.Attempt attempt, BlockHeader head) {
        broadcaster.rebroadcast(attempt.raw());
        flight.lastSentBlock = head.number();
    }

    private void cancel(InFlightBook.Flight flight, Fees stuck, FeePolicy.MarketFees market, BlockHeader head, String why) {
        Fees cancelFees = fees.policy().cancel(stuck, market);
        CallRequest tx = new CallRequest(from, from, "0x", BigInteger.ZERO, Broadcaster.CANCEL_GAS, flight.nonce, cancelFees.maxFeePerGas(),
                cancelFees.maxPriorityFeePerGas());
        sendAt(flight, tx, cancelFees, true, head).ifPresent(sent -> flight.submission.items()
                .forEach(item -> events.cancelling(item, sent.hash(), flight.nonce, cancelFees, why)));
    }

    /** A replacement or cancellation at the flight's nonce; recorded as its newest attempt when the node took it. */
    private Optional<Broadcaster.Sent> sendAt(InFlightBook.Flight flight, CallRequest tx, Fees fees, boolean cancel, BlockHeader head) {
        Optional<Broadcaster.Sent> sent = broadcaster.sendAt(tx, s -> new SendJournal.Entry(flight.nonce, s.hash(), s.raw(), fees, cancel,
                tx.gas(), head.ref(), flight.submission));
        sent.ifPresent(s -> {
            flight.attempts.add(new InFlightBook.Attempt(s.hash(), s.raw(), fees, cancel));
            flight.lastSentBlock = head.number();
            flight.signedAt = head.ref();
        });
        return sent;
    }

    /** Empty when the liquidation would still succeed now; else the revert reason. */
    private Optional<String> stillValid(Submission submission) {
        try {
            rpc.call(new CallRequest(from, submission.to(), submission.data(), BigInteger.ZERO, null), BlockTag.LATEST);
            return Optional.empty();
        } catch (CallRevertedException e) {
            return Optional.of("re-simulation reverts: " + e.reason(settings.errors()));
        }
    }

    /** A simulation's gas: learned by the gas model, and each item's share reported. */
    private void observeSimulation(Submission submission, BigInteger gasUsed) {
        learnGas(submission, gasUsed);
        List<BigInteger> shares = shares(gasUsed, submission.items().size());
        for (int i = 0; i < shares.size(); i++) {
            events.simulated(submission.items().get(i), shares.get(i));
        }
    }

    private void learnGas(Submission submission, BigInteger gasUsed) {
        if (submission.items().stream().allMatch(l -> l.plan() != null && l.plan().quote() != null)) {
            gasModel.observe(gasKeys(submission), gasUsed.longValueExact());
        }
    }

    private void fail(Submission submission, BlockHeader head, RejectReason reason, String detail) {
        for (Liquidation item : submission.items()) {
            events.rejected(item, reason, detail);
            book.backOff(item.position(), head.number());
        }
    }
}
