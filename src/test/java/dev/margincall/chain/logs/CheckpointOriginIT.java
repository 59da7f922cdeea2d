package dev.margincall.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DeepReorgException;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint belongs to one chain and one history. Anvil restarted with the same genesis time and the
 * same deployments has the same chain id, genesis hash and contract addresses as before, but another
 * history: the stream must notice, say so once, and start over, never resume the old state (before: a
 * reorg was logged, then advanceTo recursed until StackOverflowError).
 */
class CheckpointOriginIT {

    private static final int CONFIRMATIONS = 3;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger streamLog = (Logger) LoggerFactory.getLogger(LogStream.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        streamLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        streamLog.detachAppender(logs);
    }

    private static LogStream stream(Web3jDevChain chain, EventHistory history, CheckpointStore store, RecordingSink sink) {
        return stream(chain, history, store, sink, CONFIRMATIONS);
    }

    private static LogStream stream(Web3jDevChain chain, EventHistory history, CheckpointStore store, RecordingSink sink, int confirmations) {
        return new LogStream(chain, new LogQuery(history.tokens, List.of(EventHistory.TRANSFER)), store, sink,
                new LogStream.Settings(0, confirmations, 50, 50, 10_000), new SimpleMeterRegistry());
    }

    private static List<RecordingSink.LogId> chainLogs(Web3jDevChain chain, EventHistory history) {
        return RecordingSink.idsOf(chain.logs(new LogFilter(0, chain.blockNumber(), history.tokens, List.of(EventHistory.TRANSFER))));
    }

    /** Follows a fresh chain of {@code rounds} event blocks to its head and leaves its checkpoint in {@code store}; returns its genesis hash. */
    private static String runOnce(FileCheckpointStore store, int rounds, int salt) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(rounds, 1, salt);
            RecordingSink sink = new RecordingSink();
            LogStream first = stream(chain, history, store, sink);
            first.start();
            first.advanceTo(chain.block(BlockTag.LATEST));
            first.flush();
            assertThat(sink.live).isEqualTo(chainLogs(chain, history));
            return chain.block(BlockTag.number(0)).hash();
        }
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aCheckpointOfARestartedAnvilWithAnotherHistoryIsNotResumed(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.json"));
        String oldGenesis = runOnce(store, 20, 0);
        Checkpoint old = store.load().orElseThrow();
        assertThat(old.chain()).isEqualTo(new Checkpoint.ChainIdentity(31337, oldGenesis));

        // the same Anvil again: same id, same genesis, same token addresses; other mints, and longer (block numbers overlap)
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(30, 1, 7);
            assertThat(chain.block(BlockTag.number(0)).hash()).as("a fixed genesis time gives the same genesis").isEqualTo(oldGenesis);
            assertThat(chain.blockNumber()).isGreaterThan(old.finalized().number());
            String hashHere = chain.block(BlockTag.number(old.finalized().number())).hash();
            assertThat(hashHere).isNotEqualTo(old.finalized().hash());

            RecordingSink sink = new RecordingSink();
            LogStream resumed = stream(chain, history, store, sink);
            resumed.start();
            assertThat(sink.live).as("the old state is not restored").isEmpty();
            assertThat(resumed.cursor()).isEmpty();
            assertThat(warnings()).containsExactly("checkpoint " + store.file() + " was written on another history: block " + old.finalized().number()
                    + " has hash " + old.finalized().hash() + " there, " + hashHere + " here (a restarted or re-created chain?); starting over from block 0");
            assertThat(store.load().orElseThrow().cursor()).as("the stale checkpoint is replaced at once").isNull();

            resumed.advanceTo(chain.block(BlockTag.LATEST));
            assertThat(sink.live).isEqualTo(chainLogs(chain, history));
            assertThat(sink.retracted).isEmpty();
            assertThat(warnings()).hasSize(1);
            Checkpoint fresh = store.load().orElseThrow();
            assertThat(fresh.finalized().hash()).isEqualTo(chain.block(BlockTag.number(fresh.finalized().number())).hash());
        }
    }

    @Test
    void aChainShorterThanTheFinalBlockIsAnotherHistoryToo(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.json"));
        runOnce(store, 20, 0);
        long finalBlock = store.load().orElseThrow().finalized().number();
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(3, 0, 7);
            assertThat(chain.blockNumber()).isLessThan(finalBlock);
            RecordingSink sink = new RecordingSink();
            LogStream resumed = stream(chain, history, store, sink);
            resumed.start();
            assertThat(warnings()).singleElement().asString().contains("block " + finalBlock + " was final there, this chain ends at block "
                    + chain.blockNumber());
            resumed.advanceTo(chain.block(BlockTag.LATEST));
            assertThat(sink.live).isEqualTo(chainLogs(chain, history));
        }
    }

    @Test
    void aCheckpointWithoutChainIdentityIsCheckedByBlockHashes(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.json"));
        runOnce(store, 20, 0);
        Checkpoint written = store.load().orElseThrow();
        // as a Margin Call before chain identities wrote it
        store.save(new Checkpoint(written.version(), null, written.cursor(), written.finalized(), written.unconfirmed(), written.sinkState()));
        assertThat(store.load().orElseThrow().chain()).isNull();
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(30, 1, 7);
            RecordingSink sink = new RecordingSink();
            LogStream resumed = stream(chain, history, store, sink);
            resumed.start();
            assertThat(warnings()).singleElement().asString().contains("was written on another history: block " + written.finalized().number());
            resumed.advanceTo(chain.block(BlockTag.LATEST));
            assertThat(sink.live).isEqualTo(chainLogs(chain, history));
            assertThat(store.load().orElseThrow().chain()).as("written with the identity from now on").isNotNull();
        }
    }

    @Test
    void theSameHistoryIsResumedWithoutAWarning(@TempDir Path dir) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(10, 1, 0);
            FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.json"));
            LogStream first = stream(chain, history, store, new RecordingSink());
            first.start();
            first.advanceTo(chain.block(BlockTag.LATEST));
            first.flush();
            history.grow(5, 1, 3);

            RecordingSink sink = new RecordingSink();
            LogStream resumed = stream(chain, history, store, sink);
            resumed.start();
            assertThat(sink.live).as("restored").isNotEmpty();
            resumed.advanceTo(chain.block(BlockTag.LATEST));
            assertThat(sink.live).isEqualTo(chainLogs(chain, history));
            assertThat(warnings()).isEmpty();
        }
    }

    @Test
    void aFinalCursorThatLeftTheChainEndsInADeepReorgNotARecursion(@TempDir Path dir) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(5, 0, 0);
            String fork = chain.snapshot();
            history.grow(10, 0, 100);
            // no confirmations: every delivered block is final, none is kept to roll back
            LogStream stream = stream(chain, history, new FileCheckpointStore(dir.resolve("logs.json")), new RecordingSink(), 0);
            stream.start();
            stream.advanceTo(chain.block(BlockTag.LATEST));
            long cursor = stream.cursor().orElseThrow().number();

            assertThat(chain.revert(fork)).isTrue();
            history.grow(20, 0, 500); // another branch from the fork on, longer
            assertThatThrownBy(() -> stream.advanceTo(chain.block(BlockTag.LATEST)))
                    .isInstanceOf(DeepReorgException.class)
                    .hasMessageStartingWith("block " + cursor + " was taken as final with 0 confirmations but the chain replaced it")
                    .hasMessageContaining("raise chain.confirmations");
        }
    }

    @Test
    void aCursorOnTopOfTheFinalBlockThatLeftIsADeepReorgToo(@TempDir Path dir) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(5, 0, 0);
            String fork = chain.snapshot();
            history.grow(10, 0, 100);
            RecordingSink sink = new RecordingSink();
            FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.json"));
            LogStream stream = stream(chain, history, store, sink);
            stream.start();
            stream.advanceTo(chain.block(BlockTag.LATEST));
            stream.flush();
            // the cursor is final now: the chain went on by the confirmations and more, and the stream delivered them
            chain.mine(CONFIRMATIONS + 2);
            stream.advanceTo(chain.block(BlockTag.LATEST));
            stream.flush();
            Checkpoint left = store.load().orElseThrow();
            assertThat(left.unconfirmed()).isNotEmpty();

            assertThat(chain.revert(fork)).isTrue();
            history.grow(25, 0, 500);
            // the unconfirmed blocks roll back down to the final block, which left too: no loop, a clear end
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> stream.advanceTo(chain.block(BlockTag.LATEST))).isInstanceOf(DeepReorgException.class));
        }
    }
}
