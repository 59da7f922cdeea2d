package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.FakeEthRpc;
import dev.margincall.chain.FakeEthRpc.Tx;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.RejectReason;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submitter's state machine against {@link FakeEthRpc}: what it sends, at which nonce, with which
 * fees, and what it does with each answer and each head, block by block. The node's side is scripted, so
 * every branch (late receipts, replacement, re-broadcast, cancellation, a taken nonce, refusals, lost
 * answers, reorgs, a restart) runs in milliseconds; {@code SubmitterIT} checks the same sends on Anvil.
 */
class SubmitterTest {

    /** Anvil's public test account #9: a test key, never a real one. */
    private static final TransactionSigner SIGNER = TransactionSigner.fromPrivateKey(
            "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6", "test");
    static final Address TARGET = Address.of("0x3000000000000000000000000000000000000001");
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final BigInteger GWEI = FakeEthRpc.GWEI;
    /** The default simulated gas × 5/4 (refunds) + 25 % (margin). */
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(312_500);
    private static final long FIRST_NONCE = 7;

    private final FakeEthRpc rpc = new FakeEthRpc();
    private final Recorded events = new Recorded();
    private final List<Submitter> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        opened.forEach(Submitter::close);
    }

    /** Replace after 2 blocks, at most 2 fee bumps, back off 4 blocks (doubling). */
    private Submitter submitter(boolean dryRun, SendJournal journal) {
        Submitter submitter = new Submitter(rpc, dryRun ? null : SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, dryRun), events, journal, List.of());
        opened.add(submitter);
        return submitter;
    }

    private Submitter submitter() {
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        return submitter(false, SendJournal.none());
    }

    /** A liquidation of a distinct account, worth far more than its gas; its calldata names the account. */
    static Liquidation liquidation(String name) {
        Address account = DevnetDeployer.derivedAddress("margin-call/test/submitter-unit/" + name);
        LiquidationQuote quote = new LiquidationQuote(account, TARGET, TARGET, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO,
                BigInteger.ONE, BigInteger.ONE, 18, 18, 10_500, BigInteger.ONE);
        LiquidationPlan plan = new LiquidationPlan(new PositionId(new MarketId("aave-v3", "test"), account), Funding.FLASH_LOAN, quote, null,
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, 100_000,
                new Valuation(BigInteger.ONE));
        return new Liquidation(plan, TARGET, Abi.call("liquidate(address)", Abi.address(account)), ETHER, BigInteger.ZERO);
    }

    private static String revert(String reason) {
        return "0x08c379a0" + Abi.encodeArguments(Abi.string(reason));
    }

    private static long nextTimestamp(BlockHeader head) {
        return head.timestamp() + FakeEthRpc.BLOCK_INTERVAL;
    }

    private Optional<String> submit(Submitter submitter, Liquidation liquidation, BlockHeader head) {
        return submitter.submitAll(List.of(liquidation), head, nextTimestamp(head)).get(0);
    }

    private Tx lastReceived() {
        List<Tx> received = rpc.received();
        return received.get(received.size() - 1);
    }

    // ---- a block's sends

    @Test
    void aBlockIsSimulatedTogetherThenSentInNonceOrderAndAFailedSimulationIsNeverSent() {
        Submitter submitter = submitter();
        Liquidation first = liquidation("first");
        Liquidation failing = liquidation("failing");
        Liquidation third = liquidation("third");
        rpc.reverts(failing.data(), revert("someone was faster"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(List.of(first, failing, third), head, nextTimestamp(head));

        assertThat(hashes.get(0)).isPresent();
        assertThat(hashes.get(1)).isEmpty();
        assertThat(hashes.get(2)).isPresent();
        assertThat(rpc.simulations()).singleElement().satisfies(s -> {
            assertThat(s.transactions()).extracting(c -> c.data()).containsExactly(first.data(), failing.data(), third.data());
            assertThat(s.timestamp()).isEqualTo(nextTimestamp(head));
        });
        assertThat(rpc.calls().indexOf("eth_simulateV1")).isLessThan(rpc.calls().indexOf("eth_sendRawTransaction"));
        List<Tx> sent = rpc.received();
        assertThat(sent).extracting(Tx::data).containsExactly(first.data(), third.data());
        assertThat(sent).extracting(Tx::nonce).as("consecutive, no gap where the failed one was").containsExactly(FIRST_NONCE, FIRST_NONCE + 1);
        assertThat(sent).extracting(Tx::hash).containsExactly(hashes.get(0).get(), hashes.get(2).get());
        assertThat(sent).allSatisfy(tx -> {
            assertThat(tx.from()).isEqualTo(SIGNER.address());
            assertThat(tx.to()).isEqualTo(TARGET);
            assertThat(tx.gasLimit()).isEqualTo(GAS_LIMIT);
            assertThat(tx.maxFeePerGas()).as("2 × base fee + tip").isEqualTo(GWEI.multiply(BigInteger.valueOf(3)));
            assertThat(tx.maxPriorityFeePerGas()).isEqualTo(GWEI);
        });
        assertThat(events.of("rejected")).singleElement().satisfies(e -> {
            assertThat(e.liquidation()).isEqualTo(failing);
            assertThat(e.detail()).contains("SIMULATION_FAILED").contains("someone was faster");
        });
        assertThat(events.of("sent")).extracting(Recorded.Event::liquidation).containsExactly(first, third);
        assertThat(submitter.inFlightCount()).isEqualTo(2);
        assertThat(submitter.accepting(first.position(), 11)).as("in flight").isFalse();
        assertThat(submitter.accepting(failing.position(), 13)).as("backing off").isFalse();
        assertThat(submitter.accepting(failing.position(), 14)).isTrue();
    }

    @Test
    void dryRunSimulatesAndPricesButNeverCallsSendRawTransaction() {
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        Submitter submitter = submitter(true, SendJournal.none());
        Liquidation one = liquidation("one");
        Liquidation two = liquidation("two");
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(List.of(one, two), head, nextTimestamp(head));

        assertThat(hashes).containsExactly(Optional.empty(), Optional.empty());
        assertThat(rpc.count("eth_simulateV1")).isEqualTo(1);
        assertThat(rpc.count("eth_sendRawTransaction")).isZero();
        assertThat(events.of("wouldSend")).extracting(Recorded.Event::liquidation).containsExactly(one, two);
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.accepting(one.position(), 11)).as("not judged again every block").isFalse();
    }

    @Test
    void withoutEthSimulateV1EachLiquidationIsCalledAndEstimatedFromThenOn() {
        Submitter submitter = submitter();
        rpc.failAlways("eth_simulateV1", FakeEthRpc.methodNotFound("eth_simulateV1"));
        Liquidation ok = liquidation("ok");
        Liquidation failing = liquidation("failing");
        rpc.succeeds(ok.data(), BigInteger.valueOf(400_000));
        rpc.reverts(failing.data(), revert("health factor not below threshold"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(List.of(ok, failing), head, nextTimestamp(head));
        submitter.submitAll(List.of(liquidation("later")), rpc.advanceTo(11), nextTimestamp(rpc.head()));

        assertThat(hashes.get(0)).isPresent();
        assertThat(hashes.get(1)).isEmpty();
        assertThat(rpc.received().get(0).gasLimit()).as("estimate + 25 %").isEqualTo(BigInteger.valueOf(500_000));
        assertThat(events.of("rejected")).singleElement().extracting(Recorded.Event::detail).asString().contains("health factor not below threshold");
        assertThat(rpc.count("eth_simulateV1")).as("asked once, then never again").isEqualTo(1);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1);
    }

    // ---- receipts

    @Test
    void aReceiptFromABlockAfterTheHeadKeepsTheLiquidationInFlightUntilThatBlockIsTheHead() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("late-receipt");
        BlockHeader head = rpc.advanceTo(10);
        String hash = submit(submitter, liquidation, head).orElseThrow();
        rpc.mine(hash, 11, true);

        submitter.onHead(head);
        assertThat(submitter.inFlightCount()).isEqualTo(1);
        assertThat(submitter.accepting(liquidation.position(), 10)).isFalse();
        assertThat(events.of("mined")).isEmpty();

        submitter.onHead(rpc.header(11));
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(events.of("mined")).singleElement().satisfies(e -> assertThat(e.detail()).contains(hash));
        assertThat(submitter.accepting(liquidation.position(), 11)).isTrue();
    }

    @Test
    void aRevertedLiquidationSettlesAndBacksOff() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("reverted");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.mine(hash, 11, false);

        submitter.onHead(rpc.header(11));

        assertThat(events.of("reverted")).singleElement().extracting(Recorded.Event::liquidation).isEqualTo(liquidation);
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.accepting(liquidation.position(), 14)).isFalse();
        assertThat(submitter.accepting(liquidation.position(), 15)).isTrue();
    }

    // ---- not mined after replaceAfterBlocks

    @Test
    void stillValidAndUnderpricedIsReplacedAtTheSameNonceWithBumpedFees() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("underpriced");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.fees(GWEI.multiply(BigInteger.TEN), GWEI);

        submitter.onHead(rpc.advanceTo(11));
        assertThat(rpc.received()).as("waits replaceAfterBlocks first").hasSize(1);

        submitter.onHead(rpc.advanceTo(12));
        Tx replacement = lastReceived();
        assertThat(rpc.received()).hasSize(2);
        assertThat(replacement.nonce()).isEqualTo(FIRST_NONCE);
        assertThat(replacement.data()).isEqualTo(liquidation.data());
        assertThat(replacement.gasLimit()).isEqualTo(GAS_LIMIT);
        assertThat(replacement.maxFeePerGas()).as("what the market asks now: 2 × 10 gwei + 1 gwei").isEqualTo(GWEI.multiply(BigInteger.valueOf(21)));
        assertThat(replacement.maxPriorityFeePerGas()).as("+12.5 %").isEqualTo(BigInteger.valueOf(1_125_000_000L));
        assertThat(rpc.pooled()).extracting(Tx::hash).as("the node took it as a replacement").containsExactly(replacement.hash());
        assertThat(events.of("replaced")).singleElement().satisfies(e -> assertThat(e.detail()).contains(hash).contains(replacement.hash()));

        rpc.mine(replacement.hash(), 13, true);
        submitter.onHead(rpc.header(13));
        assertThat(events.of("mined")).singleElement().satisfies(e -> assertThat(e.detail()).contains(replacement.hash()));
        assertThat(submitter.inFlightCount()).isZero();
    }

    @Test
    void stillValidAndNotUnderpricedIsReBroadcastAsSigned() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("waiting");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        String raw = lastReceived().raw();
        rpc.clearPool(); // the node dropped it

        submitter.onHead(rpc.advanceTo(12));

        assertThat(rpc.received()).extracting(Tx::raw).containsExactly(raw, raw);
        assertThat(rpc.pooled()).extracting(Tx::hash).containsExactly(hash);
        assertThat(events.of("replaced")).isEmpty();
        assertThat(events.of("cancelling")).isEmpty();

        submitter.onHead(rpc.advanceTo(13));
        assertThat(rpc.received()).as("the wait starts again from the re-broadcast").hasSize(2);
        submitter.onHead(rpc.advanceTo(14));
        assertThat(rpc.received()).as("the node still has it: 'already known' is fine").hasSize(3);
        assertThat(submitter.inFlightCount()).isEqualTo(1);
    }

    @Test
    void aReSimulationThatRevertsIsCancelledByASelfTransferAtTheSameNonce() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("gone");
        submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.reverts(liquidation.data(), revert("health factor not below threshold"));

        submitter.onHead(rpc.advanceTo(12));

        Tx cancel = lastReceived();
        assertThat(cancel.isCancellation()).isTrue();
        assertThat(cancel.from()).isEqualTo(SIGNER.address());
        assertThat(cancel.nonce()).isEqualTo(FIRST_NONCE);
        assertThat(cancel.gasLimit()).isEqualTo(BigInteger.valueOf(21_000));
        assertThat(cancel.maxFeePerGas()).as("+12.5 % over the stuck one").isEqualTo(BigInteger.valueOf(3_375_000_000L));
        assertThat(rpc.pooled()).extracting(Tx::hash).containsExactly(cancel.hash());
        assertThat(events.of("cancelling")).singleElement().extracting(Recorded.Event::detail).asString()
                .contains("re-simulation reverts").contains("health factor not below threshold");

        rpc.mine(cancel.hash(), 13, true);
        submitter.onHead(rpc.header(13));
        assertThat(events.of("cancelled")).singleElement().extracting(Recorded.Event::liquidation).isEqualTo(liquidation);
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.accepting(liquidation.position(), 16)).isFalse();
        assertThat(submitter.accepting(liquidation.position(), 17)).isTrue();
    }

    @Test
    void afterMaxReplacementsTheLiquidationIsCancelled() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("stuck");
        submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();

        rpc.fees(GWEI.multiply(BigInteger.valueOf(10)), GWEI);
        submitter.onHead(rpc.advanceTo(12));
        rpc.fees(GWEI.multiply(BigInteger.valueOf(30)), GWEI);
        submitter.onHead(rpc.advanceTo(14));
        rpc.fees(GWEI.multiply(BigInteger.valueOf(100)), GWEI);
        submitter.onHead(rpc.advanceTo(16));

        assertThat(events.kinds()).containsExactly("simulated", "sent", "replaced", "replaced", "cancelling");
        assertThat(events.of("cancelling")).singleElement().extracting(Recorded.Event::detail).asString().contains("replaced 2 times");
        List<Tx> received = rpc.received();
        assertThat(received).extracting(Tx::nonce).containsOnly(FIRST_NONCE);
        assertThat(received).extracting(Tx::isCancellation).containsExactly(false, false, false, true);
        assertThat(received).extracting(Tx::maxFeePerGas).isSorted();
        assertThat(rpc.pooled()).extracting(Tx::isCancellation).containsExactly(true);
    }

    // ---- nonces

    @Test
    void aNonceTakenByAnotherTransactionDropsTheLiquidationAndTheNextSendReadsTheChainsCount() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("taken");
        submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.advanceTo(12);
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE + 1); // e.g. the same key used by hand

        submitter.onHead(rpc.header(12));
        assertThat(events.of("dropped")).as("not at the first head that sees the nonce used").isEmpty();
        assertThat(submitter.inFlightCount()).isOne();
        rpc.advanceTo(13);
        submitter.onHead(rpc.header(13));

        assertThat(events.of("dropped")).singleElement().extracting(Recorded.Event::liquidation).isEqualTo(liquidation);
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.accepting(liquidation.position(), 16)).isFalse();
        assertThat(submitter.accepting(liquidation.position(), 17)).isTrue();
        submit(submitter, liquidation("next"), rpc.header(13)).orElseThrow();
        assertThat(lastReceived().nonce()).isEqualTo(FIRST_NONCE + 1);
    }

    /** A nonce seen used, then unused again (a reorg took the other transaction away): seen used later, it waits a head again. */
    @Test
    void aNonceSeenUsedThenUnusedAgainWaitsAHeadAgainWhenSeenUsedLater() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("taken, given back, taken");
        submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE + 1);
        submitter.onHead(rpc.advanceTo(12));
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        submitter.onHead(rpc.advanceTo(13)); // unused again: re-broadcast as for any transaction that waits
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE + 1);
        submitter.onHead(rpc.advanceTo(15));
        assertThat(events.of("dropped")).as("the first head that sees it used since it was unused").isEmpty();
        submitter.onHead(rpc.advanceTo(16));
        assertThat(events.of("dropped")).singleElement().extracting(Recorded.Event::liquidation).isEqualTo(liquidation);
    }

    /**
     * A node that answers the nonce read at the head from the next block's state (Anvil while it mines: foundry-rs/foundry#16368)
     * shows our nonce used before our receipt exists: the liquidation is not dropped, and the next head settles it as mined.
     */
    @Test
    void aNonceSeenUsedBeforeOurReceiptExistsIsSettledByTheReceiptAtTheNextHead() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("mined a moment later");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.advanceTo(12);
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE + 1); // the next block's state, answered for block 12

        submitter.onHead(rpc.header(12));
        assertThat(events.of("dropped")).isEmpty();

        rpc.mine(hash, 13, true);
        rpc.advanceTo(13);
        submitter.onHead(rpc.header(13));
        assertThat(events.of("dropped")).isEmpty();
        assertThat(events.of("mined")).singleElement().extracting(Recorded.Event::liquidation).isEqualTo(liquidation);
        assertThat(submitter.inFlightCount()).isZero();
    }

    // ---- a block's sends in batches

    private List<Liquidation> liquidations(String tag, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> liquidation(tag + " " + i)).toList();
    }

    @Test
    void aBlocksSimulatedTransactionsGoOutFirstAloneThenInBatchesTwiceAsLargeAtConsecutiveNonces() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("batched", 10);
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).allMatch(Optional::isPresent);
        assertThat(rpc.sendBatches()).as("1 alone, then 2, 4 and the last 3").containsExactly(2, 4, 3);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactlyElementsOf(java.util.stream.LongStream.range(FIRST_NONCE, FIRST_NONCE + 10).boxed().toList());
        assertThat(rpc.received()).extracting(Tx::data).containsExactlyElementsOf(all.stream().map(Liquidation::data).toList());
        assertThat(events.of("sent")).hasSize(10);
        assertThat(submitter.inFlightCount()).isEqualTo(10);
        assertThat(Submitter.sendChunks(java.util.stream.IntStream.range(0, 300).boxed().toList())).extracting(List::size)
                .as("capped at " + Submitter.MAX_SEND_BATCH).containsExactly(1, 2, 4, 8, 16, 32, 64, 64, 64, 45);
    }

    @Test
    void aTransactionRefusedInsideABatchBelowOnesTheNodeTookHasItsNonceFilledByACancellation() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("gap", 3); // sent as 1, then a batch of 2
        rpc.failSend(1, FakeEthRpc.error("eth_sendRawTransaction", -32000, "insufficient funds for gas * price + value"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes.get(1)).isEmpty();
        assertThat(hashes.get(2)).as("taken above the refused one's nonce").isPresent();
        assertThat(rpc.pooled()).extracting(Tx::nonce).containsExactlyInAnyOrder(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2);
        Tx filler = rpc.pooled().stream().filter(tx -> tx.nonce() == FIRST_NONCE + 1).findFirst().orElseThrow();
        assertThat(filler.isCancellation()).as("a 0-value self-transfer fills the gap").isTrue();
        assertThat(events.of("rejected")).singleElement().satisfies(e -> {
            assertThat(e.liquidation()).isEqualTo(all.get(1));
            assertThat(e.detail()).contains("insufficient funds");
        });
        assertThat(events.of("cancelling")).singleElement().satisfies(e -> assertThat(e.detail()).contains("nonce " + (FIRST_NONCE + 1)));
        assertThat(submitter.inFlightCount()).as("the two liquidations and the filler").isEqualTo(3);

        rpc.mineAll(11);
        submitter.onHead(rpc.header(11));
        assertThat(events.of("mined")).extracting(Recorded.Event::liquidation).containsExactlyInAnyOrder(all.get(0), all.get(2));
        assertThat(events.of("cancelled")).extracting(Recorded.Event::liquidation).containsExactly(all.get(1));
        assertThat(submitter.inFlightCount()).isZero();
        submitter.submitAll(List.of(liquidation("after")), rpc.header(11), nextTimestamp(rpc.header(11)));
        assertThat(lastReceived().nonce()).as("the next nonce is read from the chain").isEqualTo(FIRST_NONCE + 3);
    }

    @Test
    void aTransactionRefusedAtTheEndOfABatchLeavesNoGapAndItsNonceGoesToTheNextSend() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("tail", 3);
        rpc.failSend(2, FakeEthRpc.error("eth_sendRawTransaction", -32000, "intrinsic gas too low"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).extracting(Optional::isPresent).containsExactly(true, true, false);
        assertThat(events.of("cancelling")).as("nothing above it waits").isEmpty();
        submitter.submitAll(List.of(liquidation("after")), head, nextTimestamp(head));
        assertThat(lastReceived().nonce()).isEqualTo(FIRST_NONCE + 2);
    }

    @Test
    void insideABatchARateLimitedTransactionIsSentAgainAloneAndOneRefusedForItsNonceGoesOutAtAFreshOne() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("answers", 3);
        rpc.failSend(1, FakeEthRpc.error("eth_sendRawTransaction", -32005, "daily request count exceeded, request rate limited"));
        rpc.failSend(2, FakeEthRpc.error("eth_sendRawTransaction", -32000, "replacement transaction underpriced"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).allMatch(Optional::isPresent);
        assertThat(rpc.pooled()).extracting(Tx::data).containsExactlyInAnyOrderElementsOf(all.stream().map(Liquidation::data).toList());
        assertThat(rpc.pooled()).filteredOn(tx -> tx.data().equals(all.get(1).data())).extracting(Tx::nonce).as("again at its nonce")
                .containsExactly(FIRST_NONCE + 1);
        assertThat(rpc.pooled()).filteredOn(tx -> tx.data().equals(all.get(2).data())).extracting(Tx::nonce)
                .as("its nonce is another's: the chain's count, read again").containsExactly(FIRST_NONCE + 2);
        assertThat(rpc.count("eth_getTransactionCount")).as("read at the start, then after the refusal").isEqualTo(2);
        assertThat(events.of("rejected")).isEmpty();
        assertThat(events.of("cancelling")).isEmpty();
    }

    @Test
    void withAGapInTheBatchOneRefusedForItsNonceBacksOffInsteadOfTakingTheGapsNonce() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("gap and underpriced", 7); // 1 alone, then 2, then 4: nonces +3 to +6 in one batch
        rpc.failSend(3, FakeEthRpc.error("eth_sendRawTransaction", -32000, "exceeds block gas limit"));
        rpc.failSend(5, FakeEthRpc.error("eth_sendRawTransaction", -32000, "replacement transaction underpriced"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).extracting(Optional::isPresent).containsExactly(true, true, true, false, true, false, true);
        assertThat(events.of("cancelling")).singleElement().satisfies(e -> assertThat(e.detail()).contains("nonce " + (FIRST_NONCE + 3)));
        // the fake records what its pool took (the two scripted refusals are not): no liquidation again at a fresh nonce
        assertThat(rpc.received()).filteredOn(tx -> !tx.isCancellation()).extracting(Tx::nonce).as("no liquidation sent again at a fresh nonce")
                .containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 4, FIRST_NONCE + 6);
        assertThat(rpc.received()).filteredOn(Tx::isCancellation).extracting(Tx::nonce).containsExactly(FIRST_NONCE + 3);
        assertThat(events.of("rejected")).hasSize(2);
    }

    @Test
    void aFreshNonceReSendThatCannotReadTheNonceLeavesTheBatchsOthersTracked() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("fresh nonce read fails", 3); // 1 alone, then a batch of 2
        BlockHeader head = rpc.advanceTo(10);
        submitter.submitAll(List.of(liquidation("reads the nonce")), head, nextTimestamp(head)).get(0).orElseThrow();
        rpc.failSend(1, FakeEthRpc.error("eth_sendRawTransaction", -32000, "replacement transaction underpriced"));
        rpc.failNext("eth_getTransactionCount", FakeEthRpc.transport("eth_getTransactionCount")); // the re-send's read of the nonce

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).extracting(Optional::isPresent).containsExactly(true, false, true);
        assertThat(submitter.inFlightCount()).as("taken in the batch, tracked although the re-send failed").isEqualTo(3);
        assertThat(events.of("rejected")).singleElement().satisfies(e -> assertThat(e.detail()).contains("fresh nonce"));
    }

    @Test
    void aBatchWhoseAnswerIsLostIsTrackedAsMaybeSent() {
        Submitter submitter = submitter();
        List<Liquidation> all = liquidations("lost batch", 3);
        rpc.failSend(1, FakeEthRpc.transport("eth_sendRawTransaction"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(all, head, nextTimestamp(head));

        assertThat(hashes).allMatch(Optional::isPresent);
        assertThat(submitter.inFlightCount()).isEqualTo(3);
        assertThat(events.of("sent")).extracting(e -> e.detail().substring(e.detail().indexOf("nonce")))
                .containsExactly("nonce " + FIRST_NONCE, "nonce " + (FIRST_NONCE + 1), "nonce " + (FIRST_NONCE + 2));
    }

    @Test
    void aNonceTooLowRefusalIsRetriedOnceWithTheChainsCountLeavingNoGap() {
        Submitter submitter = submitter();
        String first = submit(submitter, liquidation("first"), rpc.advanceTo(10)).orElseThrow();
        rpc.mine(first, 11, true);
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE + 2); // nonce 8 went to a transaction of ours sent elsewhere

        Optional<String> second = submit(submitter, liquidation("second"), rpc.header(11));
        Optional<String> third = submit(submitter, liquidation("third"), rpc.header(11));

        List<Tx> received = rpc.received();
        assertThat(received).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 3);
        assertThat(second).contains(received.get(2).hash());
        assertThat(third).contains(received.get(3).hash());
        assertThat(events.of("rejected")).isEmpty();
    }

    @Test
    void aSendTheNodeTookAndMinedBeforeAnsweringNonceTooLowIsOursAndNotSentAgain() {
        Submitter submitter = submitter();
        rpc.takeAndMineNextSendThenAnswer(FakeEthRpc.error("eth_sendRawTransaction", -32000, "nonce too low"));
        BlockHeader head = rpc.advanceTo(10);

        Optional<String> hash = submit(submitter, liquidation("garbled answer"), head);

        assertThat(hash).as("tracked as sent").isPresent();
        assertThat(rpc.received()).as("not sent again at the next nonce: that would liquidate twice").hasSize(1);
        assertThat(rpc.receipt(hash.get())).isPresent();
        assertThat(events.of("rejected")).isEmpty();
    }

    @Test
    void aSendRefusedTwiceBacksOffAndItsNonceGoesToTheNextOne() {
        Submitter submitter = submitter();
        Liquidation refused = liquidation("refused");
        rpc.failNext("eth_sendRawTransaction", FakeEthRpc.error("eth_sendRawTransaction", -32000, "nonce too low"));
        rpc.failNext("eth_sendRawTransaction", FakeEthRpc.error("eth_sendRawTransaction", -32000, "nonce too low"));
        BlockHeader head = rpc.advanceTo(10);

        assertThat(submit(submitter, refused, head)).isEmpty();
        assertThat(rpc.count("eth_sendRawTransaction")).as("one retry, not a loop").isEqualTo(2);
        assertThat(events.of("rejected")).singleElement().extracting(Recorded.Event::detail).asString().contains("refused");
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.accepting(refused.position(), 13)).isFalse();

        submit(submitter, liquidation("next"), head).orElseThrow();
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE);
    }

    @Test
    void aSendWhoseAnswerIsLostIsTrackedAsMaybeSentAndReBroadcastLater() {
        Submitter submitter = submitter();
        Liquidation lost = liquidation("lost");
        Liquidation next = liquidation("next");
        rpc.failNext("eth_sendRawTransaction", FakeEthRpc.transport("eth_sendRawTransaction"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.submitAll(List.of(lost, next), head, nextTimestamp(head));

        assertThat(hashes).allMatch(Optional::isPresent);
        assertThat(submitter.inFlightCount()).isEqualTo(2);
        assertThat(events.of("sent")).hasSize(2);
        assertThat(rpc.received()).extracting(Tx::nonce).as("the lost one never arrived; the next took the following nonce").containsExactly(FIRST_NONCE + 1);

        submitter.onHead(rpc.advanceTo(12));

        assertThat(rpc.pooled()).extracting(Tx::hash).containsExactlyInAnyOrder(hashes.get(0).get(), hashes.get(1).get());
        assertThat(rpc.received()).filteredOn(tx -> tx.nonce() == FIRST_NONCE).extracting(Tx::hash).containsExactly(hashes.get(0).get());
        rpc.mineAll(13);
        submitter.onHead(rpc.header(13));
        assertThat(events.of("mined")).hasSize(2);
    }

    @Test
    void alreadyKnownIsASuccessfulSend() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("known");
        rpc.failNext("eth_sendRawTransaction", FakeEthRpc.error("eth_sendRawTransaction", -32000, "already known"));
        BlockHeader head = rpc.advanceTo(10);

        assertThat(submit(submitter, liquidation, head)).isPresent();
        submit(submitter, liquidation("after"), head).orElseThrow();

        assertThat(events.of("sent")).hasSize(2);
        assertThat(events.of("rejected")).isEmpty();
        assertThat(lastReceived().nonce()).isEqualTo(FIRST_NONCE + 1);
        assertThat(rpc.count("eth_getTransactionCount")).as("the local count went on: no resync").isEqualTo(1);
    }

    // ---- reorgs

    @Test
    void aLiquidationMinedInABlockARollbackRemovedIsInFlightAgainAndReBroadcast() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("reorged");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        String raw = lastReceived().raw();
        rpc.mine(hash, 11, true);
        submitter.onHead(rpc.header(11));
        assertThat(submitter.inFlightCount()).isZero();

        rpc.reorgAfter(10, false); // the new chain does not have it, and the node forgot it
        submitter.onRollback(new BlockRef(10, rpc.header(10).hash()));

        assertThat(events.of("reorged")).singleElement().extracting(Recorded.Event::detail).asString().contains(hash).contains("11");
        assertThat(submitter.inFlightCount()).isEqualTo(1);
        assertThat(submitter.accepting(liquidation.position(), 11)).isFalse();

        submitter.onHead(rpc.header(11));
        assertThat(lastReceived().raw()).as("due at once: re-broadcast as signed").isEqualTo(raw);
        assertThat(rpc.pooled()).extracting(Tx::hash).containsExactly(hash);
        submit(submitter, liquidation("after-reorg"), rpc.header(11)).orElseThrow();
        assertThat(lastReceived().nonce()).as("the nonce is read from the chain again").isEqualTo(FIRST_NONCE + 1);

        rpc.mine(hash, 12, true);
        submitter.onHead(rpc.header(12));
        assertThat(events.of("mined")).hasSize(2);
    }

    @Test
    void aReorgedLiquidationThatIsNoLongerValidIsCancelled() {
        Submitter submitter = submitter();
        Liquidation liquidation = liquidation("reorged-gone");
        String hash = submit(submitter, liquidation, rpc.advanceTo(10)).orElseThrow();
        rpc.mine(hash, 11, true);
        submitter.onHead(rpc.header(11));

        rpc.reorgAfter(10, true);
        rpc.reverts(liquidation.data(), revert("collateral already seized"));
        submitter.onRollback(new BlockRef(10, rpc.header(10).hash()));
        submitter.onHead(rpc.header(11));

        Tx cancel = lastReceived();
        assertThat(cancel.isCancellation()).isTrue();
        assertThat(cancel.nonce()).isEqualTo(FIRST_NONCE);
        assertThat(events.of("cancelling")).hasSize(1);
    }

    @Test
    void aReorgedLiquidationOfAPositionThatWasLiquidatedAgainSinceKeepsBothTransactionsTracked() {
        Submitter submitter = submitter();
        Liquidation firstHalf = liquidation("twice");
        String first = submit(submitter, firstHalf, rpc.advanceTo(10)).orElseThrow();
        rpc.mine(first, 11, true);
        submitter.onHead(rpc.header(11));
        // the first liquidation took half the debt: the position is liquidated again, at the next nonce
        Liquidation secondHalf = new Liquidation(firstHalf.plan(), TARGET, firstHalf.data() + "02", ETHER, BigInteger.ZERO);
        String second = submit(submitter, secondHalf, rpc.header(11)).orElseThrow();

        rpc.reorgAfter(10, true);
        submitter.onRollback(new BlockRef(10, rpc.header(10).hash()));

        assertThat(submitter.inFlightCount()).as("the reorged nonce and the newer one").isEqualTo(2);
        rpc.mineAll(12);
        submitter.onHead(rpc.header(12));
        assertThat(events.of("mined")).extracting(Recorded.Event::detail).anySatisfy(d -> assertThat(d).contains(first).contains("12"))
                .anySatisfy(d -> assertThat(d).contains(second));
        assertThat(submitter.inFlightCount()).isZero();
    }

    // ---- restart

    @Test
    void afterACrashTheJournalsUnminedTransactionsAreInFlightAtTheirNoncesAndNewSendsGoAbove() {
        Path file = dir.resolve("sent.jsonl");
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        Submitter before = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false), events, SendJournal.open(file), List.of());
        Liquidation mined = liquidation("mined-before");
        Liquidation pending = liquidation("pending");
        Liquidation gone = liquidation("gone-meanwhile");
        BlockHeader head = rpc.advanceTo(10);
        List<Optional<String>> hashes = before.submitAll(List.of(mined, pending, gone), head, nextTimestamp(head));
        List<Tx> signedBefore = rpc.received();
        // the process dies here (no close); the chain mines the first; the node restarts with an empty pool
        rpc.mine(hashes.get(0).orElseThrow(), 11, true);
        rpc.clearPool();
        // Aave 3.4+ reverts with a custom error: the markets' catalog names it
        dev.margincall.chain.abi.ErrorCatalog errors = dev.margincall.chain.abi.ErrorCatalog.customErrors("HealthFactorNotBelowThreshold()");
        rpc.reverts(gone.data(), Abi.selector("HealthFactorNotBelowThreshold()"));

        Submitter after = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false, Submitter.Settings.DEFAULT_ITEM_GAS, true, errors),
                events, SendJournal.open(file), List.of());
        opened.add(after);
        assertThat(after.recoverFromJournal()).isEqualTo(2);
        // checked at once, before any new head: the one still valid re-broadcast as signed, the other cancelled at its nonce
        List<Tx> atPending = rpc.received().stream().filter(tx -> tx.nonce() == FIRST_NONCE + 1).toList();
        assertThat(atPending).extracting(Tx::raw).as("re-broadcast as signed, nothing else signed for its nonce")
                .containsOnly(signedBefore.get(1).raw()).hasSize(2);
        Tx cancel = lastReceived();
        assertThat(cancel.isCancellation()).isTrue();
        assertThat(cancel.nonce()).isEqualTo(FIRST_NONCE + 2);
        assertThat(events.of("cancelling")).extracting(Recorded.Event::detail).singleElement().asString()
                .as("the reason named from the catalog").contains("HealthFactorNotBelowThreshold()");
        assertThat(after.inFlightCount()).isEqualTo(2);
        assertThat(after.accepting(mined.position(), 11)).isTrue();
        assertThat(after.accepting(pending.position(), 11)).isFalse();
        assertThat(after.accepting(gone.position(), 11)).isFalse();

        int sends = rpc.received().size();
        submit(after, liquidation("new"), rpc.header(11)).orElseThrow();
        assertThat(lastReceived().nonce()).as("above the journal's, though the chain's pending count is 8").isEqualTo(FIRST_NONCE + 3);
        after.onHead(rpc.header(11));
        assertThat(rpc.received()).as("the recovered ones were handled at the restart's head: nothing more at the next").hasSize(sends + 1);
        assertThat(rpc.pooled()).extracting(Tx::nonce).containsExactlyInAnyOrder(FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 3);
        assertThat(SendJournal.open(file).recovered()).extracting(SendJournal.Entry::nonce)
                .as("rewritten with what is in flight, then the cancellation and the new send appended")
                .containsExactly(FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 2, FIRST_NONCE + 3);
        before.close();
    }

    /** A submitter on {@code file}'s journal, as a restarted process makes it. */
    private Submitter restarted(Path file) {
        Submitter after = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false), events, SendJournal.open(file), List.of());
        opened.add(after);
        return after;
    }

    /** Sends two liquidations at nonces 7 and 8 with a journal in {@code file}; the process then dies (no close). */
    private void sendTwoThenDie(Path file) {
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        Submitter before = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false), events, SendJournal.open(file), List.of());
        opened.add(before); // closed after the test, as a killed process's journal is by the kernel
        BlockHeader head = rpc.advanceTo(10);
        assertThat(before.submitAll(List.of(liquidation("a"), liquidation("b")), head, nextTimestamp(head))).allMatch(Optional::isPresent);
    }

    @Test
    void aJournalWrittenOnAnotherHistoryIsKeptAsideAndNewSendsTakeTheChainsNextNonce() throws Exception {
        Path file = dir.resolve("sent.jsonl");
        sendTwoThenDie(file);
        // the chain is re-created (same chain id, same addresses, other blocks): the signer has 2 transactions on it, none pending
        rpc.restartAt(12);
        rpc.setMinedCount(SIGNER.address(), 2);

        Submitter after = restarted(file);
        assertThat(after.recoverFromJournal()).as("nonces 7 and 8, signed at a block this chain has with another hash").isZero();
        assertThat(after.inFlightCount()).isZero();
        assertThat(SendJournal.open(file).recovered()).as("the journal emptied").isEmpty();
        try (var files = java.nio.file.Files.list(dir)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith("sent.jsonl.other-history-")).findFirst().orElseThrow();
            assertThat(SendJournal.open(aside).recovered()).as("what was signed, kept for the operator").extracting(SendJournal.Entry::nonce)
                    .containsExactly(FIRST_NONCE, FIRST_NONCE + 1);
        }
        int sends = rpc.received().size();
        submit(after, liquidation("new"), rpc.advanceTo(13)).orElseThrow();
        assertThat(rpc.received()).as("nothing of the old journal re-sent").hasSize(sends + 1);
        assertThat(lastReceived().nonce()).as("the chain's next nonce, not above the old journal's").isEqualTo(2);
    }

    /** The same gap on this very chain (an endpoint whose pool lacks ours and lags the nonce): not another history, tracked. */
    @Test
    void aNonceGapOnTheChainTheJournalWasWrittenOnIsTracked() {
        Path file = dir.resolve("sent.jsonl");
        sendTwoThenDie(file);
        rpc.clearPool();
        rpc.setMinedCount(SIGNER.address(), 2);
        assertThat(restarted(file).recoverFromJournal()).as("block 10 has the hash they were signed at").isEqualTo(2);
        assertThat(SendJournal.open(file).recovered()).extracting(SendJournal.Entry::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1);
    }

    /** A re-created chain that has not reached the block they were signed at yet: nothing proves another history; tracked. */
    @Test
    void aGapBelowAChainThatHasNotReachedTheirBlockIsTracked() {
        Path file = dir.resolve("sent.jsonl");
        sendTwoThenDie(file);
        rpc.restartAt(5);
        rpc.setMinedCount(SIGNER.address(), 2);
        assertThat(restarted(file).recoverFromJournal()).as("signed at block 10, the chain ends at 5: tracked, with a warning").isEqualTo(2);
    }

    @Test
    void journaledTransactionsAboveTheChainsNonceAreTrackedWhenThePoolHoldsOursBelowThem() {
        Path file = dir.resolve("sent.jsonl");
        sendTwoThenDie(file);
        Tx seven = rpc.received().get(0);
        // nonce 7 left the journal at a rewrite (seen mined), then the chain changed under it (other hashes) and put it back
        // in the pool: 8 can follow it. The pool holds 7 only, so the pending nonce is 8, the journal's lowest (the boundary)
        try (SendJournal journal = SendJournal.open(file)) {
            journal.rewrite(journal.recovered().stream().filter(e -> e.nonce() > FIRST_NONCE).toList());
        }
        rpc.restartAt(12);
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        rpc.sendRawTransaction(seven.raw());
        assertThat(rpc.transactionCount(SIGNER.address(), dev.margincall.chain.BlockTag.PENDING)).isEqualTo(FIRST_NONCE + 1);

        Submitter after = restarted(file);
        assertThat(after.recoverFromJournal()).isEqualTo(1);
        assertThat(after.inFlightCount()).isEqualTo(1);
    }

    // ---- back-off

    @Test
    void backOffsDoubleWithEachFailureAndAreForgottenWhenLongPast() {
        Submitter submitter = submitter();
        Liquidation failing = liquidation("always-failing");
        rpc.reverts(failing.data(), revert("no"));

        submit(submitter, failing, rpc.advanceTo(10));
        assertThat(submitter.accepting(failing.position(), 13)).isFalse();
        assertThat(submitter.accepting(failing.position(), 14)).isTrue();
        submit(submitter, failing, rpc.advanceTo(14));
        assertThat(submitter.accepting(failing.position(), 21)).isFalse();
        assertThat(submitter.accepting(failing.position(), 22)).isTrue();
        submit(submitter, failing, rpc.advanceTo(22));
        assertThat(submitter.accepting(failing.position(), 37)).isFalse();
        assertThat(submitter.accepting(failing.position(), 38)).isTrue();

        // long past (the longest back-off there is, 64 × 4 blocks, after it ended): forgotten, the next failure starts over
        submitter.onHead(rpc.advanceTo(38 + 256 + 1));
        submit(submitter, failing, rpc.head());
        assertThat(submitter.accepting(failing.position(), 295 + 3)).isFalse();
        assertThat(submitter.accepting(failing.position(), 295 + 4)).isTrue();
        assertThat(rpc.count("eth_sendRawTransaction")).isZero();
    }

    /** What the submitter reported, in order. */
    // ---- sending before the simulation (simulateFirst false): nothing between the head and the wire waits for a round trip

    /** Sends at once with the gas model's gas (prior: 300,000 a liquidation), verifying with the simulation meanwhile. */
    private Submitter sendingFirst() {
        rpc.setMinedCount(SIGNER.address(), FIRST_NONCE);
        Submitter submitter = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false, 300_000, false), events, SendJournal.none(), List.of());
        opened.add(submitter);
        return submitter;
    }

    /** 300,000 × 5/4 (refunds) + 25 %, + 50 % unverified headroom: the limit a liquidation goes out with before anything of its kind was simulated. */
    private static final BigInteger PRIOR_GAS_LIMIT = BigInteger.valueOf(703_125);

    @Test
    void eachTransactionGoesOutWithTheModelsGasAndTheSimulationOfTheHeadStateVerifiesItAndTeachesTheModel() {
        Submitter submitter = sendingFirst();
        Liquidation one = liquidation("fast-one");
        Liquidation two = liquidation("fast-two");
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.send(List.of(Submission.single(one), Submission.single(two)), head, nextTimestamp(head));

        assertThat(hashes).allSatisfy(h -> assertThat(h).isPresent());
        assertThat(rpc.received()).extracting(Tx::gasLimit).as("the prior's limit: the send did not wait for the simulation's 200,000")
                .containsExactly(PRIOR_GAS_LIMIT, PRIOR_GAS_LIMIT);
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE + 1);
        assertThat(rpc.simulations()).singleElement().satisfies(sim -> {
            assertThat(sim.parent()).as("the state the plans were made on: our sends, mined or not, are in the bundle").isEqualTo(
                    dev.margincall.chain.BlockTag.number(10));
            assertThat(sim.transactions()).extracting(c -> c.data()).containsExactly(one.data(), two.data());
        });
        assertThat(submitter.gasModel().estimate(Submitter.gasKeys(Submission.single(one)).get(0))).as("learned from the simulation")
                .isEqualTo(FakeEthRpc.DEFAULT_GAS.longValueExact());
        assertThat(rpc.received()).as("nothing replaced: the limit was enough").hasSize(2);

        Liquidation three = liquidation("fast-three");
        submitter.send(List.of(Submission.single(three)), rpc.advanceTo(11), nextTimestamp(rpc.head()));
        assertThat(lastReceived().gasLimit()).as("the next one goes out with the learned gas, and the headroom of an unverified send")
                .isEqualTo(GAS_LIMIT.multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO));
    }

    @Test
    void sendingFirstTheFirstTransactionIsOnTheWireWhenOfferedTheNextGoInBatchesAsTheyFillAndTheSimulationFollowsTheLast() {
        List<Liquidation> made = liquidations("made", 4);
        Submitter.Round round = sendingFirst().round(rpc.advanceTo(10), nextTimestamp(rpc.head()));

        round.offer(Submission.single(made.get(0)));
        assertThat(rpc.received()).as("on the wire while the planner still makes the next").extracting(Tx::nonce).containsExactly(FIRST_NONCE);
        assertThat(rpc.simulations()).isEmpty();
        round.offer(Submission.single(made.get(1)));
        assertThat(rpc.received()).as("the second waits for the third: a batch of two").hasSize(1);
        round.offer(Submission.single(made.get(2)));
        assertThat(rpc.received()).hasSize(3);
        assertThat(rpc.sendBatches()).containsExactly(2);
        round.offer(Submission.single(made.get(3)));
        assertThat(rpc.received()).as("the fourth waits for a batch of four").hasSize(3);
        assertThat(rpc.simulations()).as("nothing verified before the round ends").isEmpty();

        List<Optional<String>> hashes = round.finish();

        assertThat(rpc.received()).as("the round's end sends what waits").extracting(Tx::nonce)
                .containsExactly(FIRST_NONCE, FIRST_NONCE + 1, FIRST_NONCE + 2, FIRST_NONCE + 3);
        assertThat(hashes).extracting(Optional::orElseThrow).containsExactlyElementsOf(rpc.received().stream().map(Tx::hash).toList());
        assertThat(events.of("sent")).hasSize(4);
        assertThat(rpc.simulations()).singleElement().satisfies(sim -> assertThat(sim.transactions()).extracting(c -> c.data())
                .containsExactlyElementsOf(made.stream().map(Liquidation::data).toList()));
    }

    @Test
    void sendingFirstARefusedSendInARoundGivesItsNonceToTheNextTransactionLeavingNoGap() {
        Submitter submitter = sendingFirst();
        Liquidation refused = liquidation("refused-in-round");
        Liquidation next = liquidation("after-the-refused");
        rpc.failNext("eth_sendRawTransaction", FakeEthRpc.error("eth_sendRawTransaction", -32000, "insufficient funds for gas * price + value"));
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> hashes = submitter.send(List.of(Submission.single(refused), Submission.single(next)), head, nextTimestamp(head));

        assertThat(hashes.get(0)).isEmpty();
        assertThat(hashes.get(1)).isPresent();
        assertThat(rpc.received()).as("the refused one never reached the pool").extracting(Tx::nonce).containsExactly(FIRST_NONCE);
        assertThat(events.of("rejected")).filteredOn(e -> e.liquidation() == refused).singleElement()
                .extracting(Recorded.Event::detail).asString().contains("refused");
        assertThat(submitter.inFlightCount()).isOne();
    }

    @Test
    void sendingFirstARoundIsVerifiedAfterOurTransactionsOfEarlierHeadsThatAreNotMinedYet() {
        Submitter submitter = sendingFirst();
        Liquidation earlier = liquidation("sent-on-head-10");
        submitter.send(List.of(Submission.single(earlier)), rpc.advanceTo(10), nextTimestamp(rpc.head()));

        BlockHeader eleven = rpc.advanceTo(11);
        submitter.onHead(eleven); // not mined: still in flight
        Liquidation now = liquidation("sent-on-head-11");
        submitter.send(List.of(Submission.single(now)), eleven, nextTimestamp(eleven));

        assertThat(rpc.simulations()).hasSize(2);
        assertThat(rpc.simulations().get(1).transactions()).as("the chain runs the pending one first: the round is verified after it")
                .extracting(c -> c.data()).containsExactly(earlier.data(), now.data());
        assertThat(events.of("cancelling")).isEmpty();
    }

    @Test
    void simulatingFirstARoundSendsNothingBeforeItEnds() {
        Submitter submitter = submitter();
        BlockHeader head = rpc.advanceTo(10);
        Submitter.Round round = submitter.round(head, nextTimestamp(head));

        round.offer(Submission.single(liquidation("waits")));
        assertThat(rpc.received()).isEmpty();

        assertThat(round.finish()).singleElement().satisfies(h -> assertThat(h).isPresent());
        assertThat(rpc.received()).hasSize(1);
    }

    @Test
    void aTransactionTheSimulationSaysFailsIsCancelledAtItsNonceWhileItWaits() {
        Submitter submitter = sendingFirst();
        Liquidation doomed = liquidation("doomed");
        rpc.reverts(doomed.data(), revert("someone was faster"));
        BlockHeader head = rpc.advanceTo(10);

        String hash = submitter.send(List.of(Submission.single(doomed)), head, nextTimestamp(head)).get(0).orElseThrow();

        assertThat(rpc.received()).hasSize(2);
        assertThat(rpc.received().get(0).hash()).isEqualTo(hash);
        assertThat(lastReceived().isCancellation()).isTrue();
        assertThat(lastReceived().nonce()).as("the doomed transaction's nonce, so no gap").isEqualTo(FIRST_NONCE);
        assertThat(events.of("cancelling")).singleElement().satisfies(e -> assertThat(e.detail()).contains("someone was faster"));
        rpc.mine(lastReceived().hash(), 11, true);
        submitter.onHead(rpc.advanceTo(11));
        assertThat(events.kinds()).contains("cancelled");
        assertThat(submitter.inFlightCount()).isZero();
    }

    @Test
    void aGasLimitTheSimulationFindsTooLowIsRaisedByAReplacementAtTheSameNonce() {
        Submitter submitter = sendingFirst();
        Liquidation heavy = liquidation("heavy");
        rpc.succeeds(heavy.data(), BigInteger.valueOf(600_000)); // needs 600,000 × 5/4 + 25 % = 937,500
        BlockHeader head = rpc.advanceTo(10);

        submitter.send(List.of(Submission.single(heavy)), head, nextTimestamp(head));

        assertThat(rpc.received()).extracting(Tx::gasLimit).containsExactly(PRIOR_GAS_LIMIT, BigInteger.valueOf(937_500));
        assertThat(rpc.received()).extracting(Tx::nonce).containsExactly(FIRST_NONCE, FIRST_NONCE);
        Tx first = rpc.received().get(0);
        assertThat(lastReceived().maxFeePerGas()).as("a replacement's fee bump").isGreaterThan(first.maxFeePerGas());
        assertThat(events.of("replaced")).singleElement().satisfies(e -> assertThat(e.detail()).startsWith(first.hash()));
        assertThat(lastReceived().isCancellation()).isFalse();
    }

    // ---- batches

    @Test
    void aMinedBatchSettlesItemByItemFromTheContractsEventsAndOnlyTheSkippedItemBacksOff() {
        // the markets' errors (here our contract's one error) name a skipped item's reason
        Submitter submitter = new Submitter(rpc, SIGNER, SIGNER.address(), FeePolicy.defaults(),
                new Submitter.Settings(FakeEthRpc.CHAIN_ID, 2, 2, 4, 25, false, Submitter.Settings.DEFAULT_ITEM_GAS, true,
                        dev.margincall.chain.abi.ErrorCatalog.customErrors("CollateralShortfall(uint256 seized, uint256 minCollateral)")),
                events, SendJournal.none(), List.of());
        opened.add(submitter);
        List<Liquidation> items = List.of(liquidation("batch-a"), liquidation("batch-b"), liquidation("batch-c"));
        Submission batch = new Submission(items, TARGET, "0xba7c4000", true);
        rpc.succeeds(batch.data(), BigInteger.valueOf(700_001));
        BlockHeader head = rpc.advanceTo(10);

        String hash = submitter.send(List.of(batch), head, nextTimestamp(head)).get(0).orElseThrow();

        assertThat(rpc.received()).singleElement().satisfies(tx -> assertThat(tx.data()).isEqualTo(batch.data()));
        assertThat(events.of("sent")).extracting(Recorded.Event::liquidation).containsExactlyElementsOf(items);
        assertThat(items).allSatisfy(l -> assertThat(submitter.accepting(l.position(), 10)).as("in flight with its batch").isFalse());
        String competitorFirst = Abi.selector("CollateralShortfall(uint256,uint256)") + Abi.encodeArguments(Abi.uint(BigInteger.ZERO),
                Abi.uint(BigInteger.ONE));
        rpc.mine(hash, 11, true, List.of(itemLiquidated(0, items.get(0)), itemSkipped(1, items.get(1), competitorFirst), itemLiquidated(2, items.get(2))));
        submitter.onHead(rpc.advanceTo(11));

        assertThat(events.of("mined")).extracting(Recorded.Event::liquidation).containsExactly(items.get(0), items.get(2));
        assertThat(events.of("skipped")).singleElement().satisfies(e -> {
            assertThat(e.liquidation()).isEqualTo(items.get(1));
            assertThat(e.detail()).as("the item's revert data, by name").contains("CollateralShortfall")
                    .doesNotContain(Abi.selector("CollateralShortfall(uint256,uint256)"));
        });
        assertThat(Submitter.shares(BigInteger.valueOf(700_001), 3)).as("the receipt's gas shared among the items, the first taking the remainder")
                .containsExactly(BigInteger.valueOf(233_335), BigInteger.valueOf(233_333), BigInteger.valueOf(233_333));
        assertThat(submitter.accepting(items.get(0).position(), 12)).isTrue();
        assertThat(submitter.accepting(items.get(1).position(), 12)).as("skipped: backs off like a failure").isFalse();
        assertThat(submitter.inFlightCount()).isZero();
        assertThat(submitter.gasModel().estimate(Submitter.gasKeys(batch).get(0))).as("learned: 700,001 over 3 items")
                .isBetween(233_333L, 233_334L);
    }

    @Test
    void aBatchIsNotSentWhileAnyOfItsPositionsIsInFlight() {
        Submitter submitter = submitter();
        Liquidation alone = liquidation("alone");
        BlockHeader head = rpc.advanceTo(10);
        submit(submitter, alone, head);

        List<Optional<String>> answers = submitter.send(List.of(new Submission(List.of(liquidation("other"), alone), TARGET, "0xba7c4001", true)),
                head, nextTimestamp(head));

        assertThat(answers).singleElement().satisfies(a -> assertThat(a).isEmpty());
        assertThat(rpc.received()).hasSize(1);
    }

    @Test
    void aBatchWhoseSimulationSkipsEveryItemIsNotSentAndItsItemsAreRejectedWithTheirReasons() {
        Submitter submitter = submitter();
        List<Liquidation> items = List.of(liquidation("gone-a"), liquidation("gone-b"));
        Submission batch = new Submission(items, TARGET, "0xba7c4001", true);
        String healthy = Abi.selector("HealthFactorNotBelowThreshold()");
        rpc.succeedsWithLogs(batch.data(), BigInteger.valueOf(90_000), List.of(itemSkipped(0, items.get(0), healthy),
                itemSkipped(1, items.get(1), healthy)));
        Liquidation alone = liquidation("still-there");
        BlockHeader head = rpc.advanceTo(10);

        List<Optional<String>> sent = submitter.send(List.of(batch, Submission.single(alone)), head, nextTimestamp(head));

        assertThat(sent.get(0)).as("nothing to win: not sent").isEmpty();
        assertThat(sent.get(1)).isPresent();
        assertThat(rpc.received()).singleElement().satisfies(tx -> assertThat(tx.data()).isEqualTo(alone.data()));
        assertThat(events.of("rejected")).extracting(Recorded.Event::liquidation).containsExactlyElementsOf(items);
        assertThat(events.of("rejected")).allSatisfy(e -> assertThat(e.detail()).contains("every item of the batch would be skipped"));
    }

    private static LogEntry itemLiquidated(int index, Liquidation item) {
        return new LogEntry(TARGET, List.of(BatchEvents.ITEM_LIQUIDATED_TOPIC, "0x" + Abi.encodeArguments(Abi.uint(BigInteger.valueOf(index))),
                "0x" + Abi.encodeArguments(Abi.address(item.position().account()))), "0x" + Abi.encodeArguments(Abi.uint(BigInteger.TEN), Abi.uint(BigInteger.TWO)),
                11, "0xb", "0xt", 0, false);
    }

    private static LogEntry itemSkipped(int index, Liquidation item, String reason) {
        return new LogEntry(TARGET, List.of(BatchEvents.ITEM_SKIPPED_TOPIC, "0x" + Abi.encodeArguments(Abi.uint(BigInteger.valueOf(index))),
                "0x" + Abi.encodeArguments(Abi.address(item.position().account()))), "0x" + Abi.encodeArguments(new org.web3j.abi.datatypes.DynamicBytes(
                org.web3j.utils.Numeric.hexStringToByteArray(reason))), 11, "0xb", "0xt", 1, false);
    }

    static final class Recorded implements SubmitEvents {

        record Event(String kind, Liquidation liquidation, String detail) {
        }

        private final List<Event> all = Collections.synchronizedList(new ArrayList<>());

        List<String> kinds() {
            return all.stream().map(Event::kind).toList();
        }

        List<Event> of(String kind) {
            return all.stream().filter(e -> e.kind().equals(kind)).toList();
        }

        @Override
        public void rejected(Liquidation liquidation, RejectReason reason, String detail) {
            all.add(new Event("rejected", liquidation, reason + ": " + detail));
        }

        @Override
        public void simulated(Liquidation liquidation, BigInteger gasEstimate) {
            all.add(new Event("simulated", liquidation, String.valueOf(gasEstimate)));
        }

        @Override
        public void wouldSend(Liquidation liquidation, BigInteger gasLimit, Fees fees) {
            all.add(new Event("wouldSend", liquidation, gasLimit + " " + fees));
        }

        @Override
        public void sent(Liquidation liquidation, String hash, long nonce, Fees fees, BigInteger gasLimit) {
            all.add(new Event("sent", liquidation, hash + " nonce " + nonce));
        }

        @Override
        public void skipped(Liquidation liquidation, TransactionReceipt receipt, String reason) {
            all.add(new Event("skipped", liquidation, reason));
        }

        @Override
        public void replaced(Liquidation liquidation, String previousHash, String hash, Fees fees) {
            all.add(new Event("replaced", liquidation, previousHash + " -> " + hash));
        }

        @Override
        public void cancelling(Liquidation liquidation, String hash, long nonce, Fees fees, String why) {
            all.add(new Event("cancelling", liquidation, hash + " nonce " + nonce + ": " + why));
        }

        @Override
        public void mined(Liquidation liquidation, TransactionReceipt receipt) {
            all.add(new Event("mined", liquidation, receipt.transactionHash() + " in " + receipt.blockNumber()));
        }

        @Override
        public void reverted(Liquidation liquidation, TransactionReceipt receipt) {
            all.add(new Event("reverted", liquidation, receipt.transactionHash()));
        }

        @Override
        public void cancelled(Liquidation liquidation, TransactionReceipt receipt) {
            all.add(new Event("cancelled", liquidation, receipt.transactionHash()));
        }

        @Override
        public void reorged(Liquidation liquidation, String hash, long minedBlock) {
            all.add(new Event("reorged", liquidation, hash + " was in " + minedBlock));
        }

        @Override
        public void dropped(Liquidation liquidation, long nonce) {
            all.add(new Event("dropped", liquidation, "nonce " + nonce));
        }
    }
}
